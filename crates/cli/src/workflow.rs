//! The designation workflow on the command line: `roles`, `propose`, `deliberate`, `decide`,
//! `publish`, `withdraw` and `proposals` (see `proscribe_model::workflow` for the states and
//! the rules). Each verb acts for one body (`--by`) and is one transaction with its audit
//! record; a refused action prints why and changes nothing.

use anyhow::{bail, Result};
use clap::{Args, Subcommand, ValueEnum};
use proscribe_model::workflow::{Action, BodyRole, Decision, Document, Opinion, OpinionKind, Proposal, ProposalKind};
use proscribe_model::{Entity, Name, NameKind, PartialDate};
use proscribe_store::{local_actor, StoredProposal};

use crate::output::{outln, print_json, print_table};
use crate::{open_store, open_store_to_read, parse_day, Cli};

/// Arguments of `proscribe roles`.
#[derive(Debug, Args)]
pub struct RolesArgs {
    #[command(subcommand)]
    action: RolesAction,
}

#[derive(Debug, Subcommand)]
enum RolesAction {
    /// Give a body a role on a list.
    Grant {
        /// The list.
        list: String,
        /// The body (an authority id).
        body: String,
        /// proposer, consulted, decider or publisher.
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Take a role on a list from a body.
    Revoke {
        /// The list.
        list: String,
        /// The body (an authority id).
        body: String,
        /// proposer, consulted, decider or publisher.
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// The bodies of a list and their roles.
    List {
        /// The list.
        list: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Proposer,
    Consulted,
    Decider,
    Publisher,
}

impl From<RoleArg> for BodyRole {
    fn from(r: RoleArg) -> BodyRole {
        match r {
            RoleArg::Proposer => BodyRole::Proposer,
            RoleArg::Consulted => BodyRole::Consulted,
            RoleArg::Decider => BodyRole::Decider,
            RoleArg::Publisher => BodyRole::Publisher,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    List,
    Delist,
    Amend,
    Suspend,
    LiftSuspension,
}

/// Arguments of `proscribe propose`.
#[derive(Debug, Args)]
pub struct ProposeArgs {
    /// The list.
    #[arg(long)]
    list: String,
    /// What the proposal asks for.
    #[arg(long, value_enum)]
    kind: KindArg,
    /// The entity (for a listing of a new one, the id it will have).
    #[arg(long)]
    entity: String,
    /// A proposing body; repeat for a joint proposal.
    #[arg(long = "by", required = true)]
    by: Vec<String>,
    /// The reasoned statement.
    #[arg(long)]
    statement: String,
    /// For a listing of a new entity (or an amendment): its name.
    #[arg(long)]
    name: Option<String>,
    /// For a listing of a new entity: its kind.
    #[arg(long, default_value = "Organization")]
    schema: String,
    /// Keep it as a draft instead of submitting it.
    #[arg(long)]
    draft: bool,
    /// The day it is submitted (default today).
    #[arg(long)]
    on: Option<String>,
}

/// Arguments of `proscribe deliberate`.
#[derive(Debug, Args)]
pub struct DeliberateArgs {
    /// The proposal's number.
    id: i64,
    /// The acting body.
    #[arg(long)]
    by: String,
    /// Open deliberation (the decider).
    #[arg(long, conflicts_with = "opinion")]
    open: bool,
    /// Give an opinion (a consulted body).
    #[arg(long, value_enum)]
    opinion: Option<OpinionArg>,
    /// The opinion's reasons.
    #[arg(long, default_value = "")]
    text: String,
    /// The day (default today).
    #[arg(long)]
    on: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OpinionArg {
    Concur,
    Object,
    Abstain,
}

/// Arguments of `proscribe decide`.
#[derive(Debug, Args)]
pub struct DecideArgs {
    /// The proposal's number.
    id: i64,
    /// The deciding body.
    #[arg(long)]
    by: String,
    /// Adopt the proposal.
    #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
    adopt: bool,
    /// Reject it.
    #[arg(long)]
    reject: bool,
    /// The legal act (a decree, a judgment's number).
    #[arg(long)]
    act: String,
    /// The day of the decision (default today).
    #[arg(long)]
    on: Option<String>,
    /// The day it takes effect (default: the day of the decision).
    #[arg(long)]
    effective: Option<String>,
}

/// Arguments of `proscribe publish` and `proscribe withdraw`.
#[derive(Debug, Args)]
pub struct ByArgs {
    /// The proposal's number.
    id: i64,
    /// The acting body.
    #[arg(long)]
    by: String,
    /// The day (default today).
    #[arg(long)]
    on: Option<String>,
}

/// Arguments of `proscribe attach`.
#[derive(Debug, Args)]
pub struct AttachArgs {
    /// The proposal's number.
    id: i64,
    /// The body attaching it (a proposer, a consulted body or the decider).
    #[arg(long)]
    by: String,
    /// What the document is.
    #[arg(long)]
    title: String,
    /// Where to read it: a URL, a register number, a citation.
    #[arg(long)]
    reference: String,
    /// The day (default today).
    #[arg(long)]
    on: Option<String>,
}

/// Arguments of `proscribe proposals`.
#[derive(Debug, Args)]
pub struct ProposalsArgs {
    /// Only this list's.
    #[arg(long)]
    list: Option<String>,
}

fn day(on: &Option<String>) -> Result<PartialDate> {
    parse_day(on.as_deref().unwrap_or("today"))
}

fn print(cli: &Cli, p: &StoredProposal) -> Result<()> {
    if cli.json {
        return print_json(p);
    }
    let q = &p.proposal;
    outln!(
        "proposal {}: {:?} {} on {} by {} — {}{}",
        p.id,
        q.kind,
        q.entity_id,
        q.list,
        q.proposers.join(" and "),
        q.state.as_str(),
        p.published_number.map(|v| format!(" (version {v})")).unwrap_or_default()
    );
    Ok(())
}

/// Applies `action` to proposal `id` for body `by` (the actor the audit trail names is this
/// machine's user acting for the body) and prints the proposal.
fn act(cli: &Cli, id: i64, by: &str, action: Action) -> Result<()> {
    let mut store = open_store(cli)?;
    let p = store.act(&format!("{}:{by}", local_actor()), id, action)?;
    print(cli, &p)
}

/// Runs `proscribe roles`.
pub fn roles(cli: &Cli, args: &RolesArgs) -> Result<()> {
    match &args.action {
        RolesAction::Grant { list, body, role } => {
            let role = BodyRole::from(*role);
            open_store(cli)?.grant_role(&local_actor(), list, body, role)?;
            outln!("{body} is a {} of {list}", role.as_str());
        }
        RolesAction::Revoke { list, body, role } => {
            let role = BodyRole::from(*role);
            open_store(cli)?.revoke_role(&local_actor(), list, body, role)?;
            outln!("{body} is no longer a {} of {list}", role.as_str());
        }
        RolesAction::List { list } => {
            let roles = open_store_to_read(cli)?.roles(list)?;
            if cli.json {
                return print_json(&roles);
            }
            let rows: Vec<Vec<String>> = roles
                .0
                .iter()
                .map(|(body, rs)| vec![body.clone(), rs.iter().map(BodyRole::as_str).collect::<Vec<_>>().join(", ")])
                .collect();
            print_table(&["BODY", "ROLES"], &rows);
        }
    }
    Ok(())
}

/// Runs `proscribe propose`.
pub fn propose(cli: &Cli, args: &ProposeArgs) -> Result<()> {
    let mut store = open_store(cli)?;
    let kind = match args.kind {
        KindArg::List => ProposalKind::List,
        KindArg::Delist => ProposalKind::Delist,
        KindArg::Amend => ProposalKind::Amend,
        KindArg::Suspend => ProposalKind::Suspend,
        KindArg::LiftSuspension => ProposalKind::LiftSuspension,
    };
    let roles = store.roles(&args.list)?;
    let by: Vec<&str> = args.by.iter().map(String::as_str).collect();
    let proposal = Proposal::draft(kind, &args.list, &args.entity, &by, &args.statement, &roles)?;
    let new_entity = match &args.name {
        Some(name) => {
            let Some(schema) = proscribe_model::Schema::parse(&args.schema) else {
                bail!("unknown schema {:?}", args.schema)
            };
            let mut e = Entity::new(&args.entity, schema);
            e.add_name(Name::new(name, NameKind::Primary));
            Some(e)
        }
        None => None,
    };
    let actor = format!("{}:{}", local_actor(), args.by.join("+"));
    let id = store.create_proposal(&actor, proposal, new_entity)?;
    let p = if args.draft {
        store.proposal(id)?
    } else {
        store.act(&actor, id, Action::Submit { by: args.by[0].clone(), on: day(&args.on)? })?
    };
    print(cli, &p)
}

/// Runs `proscribe deliberate`.
pub fn deliberate(cli: &Cli, args: &DeliberateArgs) -> Result<()> {
    let on = day(&args.on)?;
    let action = match (args.open, args.opinion) {
        (true, _) => Action::Open { by: args.by.clone(), on },
        (false, Some(o)) => Action::Opine(Opinion {
            body: args.by.clone(),
            kind: match o {
                OpinionArg::Concur => OpinionKind::Concur,
                OpinionArg::Object => OpinionKind::Object,
                OpinionArg::Abstain => OpinionKind::Abstain,
            },
            text: args.text.clone(),
            on,
        }),
        (false, None) => bail!("give --open or --opinion"),
    };
    act(cli, args.id, &args.by, action)
}

/// Runs `proscribe decide`.
pub fn decide(cli: &Cli, args: &DecideArgs) -> Result<()> {
    let decided_on = day(&args.on)?;
    let effective_on = match &args.effective {
        Some(e) => parse_day(e)?,
        None => decided_on,
    };
    let decision =
        Decision { body: args.by.clone(), adopted: args.adopt, legal_act: args.act.clone(), decided_on, effective_on };
    act(cli, args.id, &args.by, Action::Decide(decision))
}

/// Runs `proscribe publish`.
pub fn publish(cli: &Cli, args: &ByArgs) -> Result<()> {
    act(cli, args.id, &args.by, Action::Publish { by: args.by.clone(), on: day(&args.on)? })
}

/// Runs `proscribe withdraw`.
pub fn withdraw(cli: &Cli, args: &ByArgs) -> Result<()> {
    act(cli, args.id, &args.by, Action::Withdraw { by: args.by.clone(), on: day(&args.on)? })
}

/// Runs `proscribe attach`.
pub fn attach(cli: &Cli, args: &AttachArgs) -> Result<()> {
    let document = Document {
        body: args.by.clone(),
        title: args.title.clone(),
        reference: args.reference.clone(),
        on: day(&args.on)?,
    };
    act(cli, args.id, &args.by, Action::Attach(document))
}

/// Runs `proscribe proposals`.
pub fn proposals(cli: &Cli, args: &ProposalsArgs) -> Result<()> {
    let store = crate::open_for_reading(cli, crate::Reading::Registry)?;
    let all = store.proposals(args.list.as_deref())?;
    if cli.json {
        return print_json(&all);
    }
    for p in &all {
        print(cli, p)?;
    }
    Ok(())
}
