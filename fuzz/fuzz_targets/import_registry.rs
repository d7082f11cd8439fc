//! The registry YAML importer: any bytes as a registry YAML file, parsed by `registry::RegistryYaml`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    proscribe_fuzz::import(&proscribe_import::registry::RegistryYaml, "registry.yaml", data, &[]);
});
