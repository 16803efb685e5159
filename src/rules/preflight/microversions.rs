//! Every rule that changes with the microversion, as a table, and the
//! `?status=` query rule (2.38).

use super::*;

/// One microversion rule: from `version` on, Nova answers some request
/// differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MicroversionRule {
    /// The first microversion with the new behaviour.
    pub version: Microversion,
    /// The actions it concerns (empty for list requests).
    pub actions: &'static [Action],
    /// What changes.
    pub change: &'static str,
    /// Where (rest_api_version_history.rst and the code).
    pub source: &'static str,
}

const fn rule(
    minor: u16,
    actions: &'static [Action],
    change: &'static str,
    source: &'static str,
) -> MicroversionRule {
    MicroversionRule {
        version: Microversion::new(2, minor),
        actions,
        change,
        source,
    }
}

/// Every microversion rule this model applies (in [`Request::preflight`],
/// [`Action::versions`] and [`status_query`]), oldest first.
///
/// ```
/// use nova_states::rules::MICROVERSION_RULES;
/// use nova_states::Microversion;
/// assert!(MICROVERSION_RULES.iter().any(|r| r.version == Microversion::new(2, 20)));
/// assert!(MICROVERSION_RULES.windows(2).all(|w| w[0].version <= w[1].version));
/// ```
pub const MICROVERSION_RULES: &[MicroversionRule] = &[
    rule(6, &[Action::GetVncConsole, Action::GetSpiceConsole, Action::GetSerialConsole],
        "the os-get*Console server actions are retired (404); consoles, and MKS (from 2.8), are POST /servers/{id}/remote-consoles",
        "nova/api/openstack/compute/remote_consoles.py:41, 73, 114, 145-148"),
    rule(8, &[Action::GetMksConsole], "a remote console of protocol `mks` (type `webmks`): 400 before, the request body's schema refusing the protocol",
        "nova/api/openstack/compute/rest_api_version_history.rst:100-103; remote_consoles.py:147-148; schemas/remote_consoles.py:82-113"),
    rule(9, &[], "documents show `locked`",
        "nova/api/openstack/compute/rest_api_version_history.rst:105-110; views/servers.py:410-411"),
    rule(16, &[], "documents show `host_status` (admins by default)",
        "nova/api/openstack/compute/rest_api_version_history.rst:156-161; views/servers.py:413-430"),
    rule(17, &[Action::TriggerCrashDump], "trigger_crash_dump is routed (404 before)",
        "nova/api/openstack/compute/rest_api_version_history.rst:163-167; servers.py:1576"),
    rule(20, &[Action::AttachVolume, Action::DetachVolume],
        "a shelved or shelved_offloaded server's volumes can be attached and detached (409 before, worded as a vm_state conflict)",
        "nova/api/openstack/compute/rest_api_version_history.rst:181-185; volume_attachments.py:79-88, 219-223, 407-411"),
    rule(22, &[Action::LiveMigrateForceComplete],
        "force-complete is routed (404 before); it needs vm_state active and task_state migrating, and a running migration (400 otherwise)",
        "nova/api/openstack/compute/rest_api_version_history.rst:193-200; server_migrations.py:94, 110-113; nova/compute/api.py:5628-5651"),
    rule(24, &[Action::LiveMigrateAbort], "abort is routed (404 before), for a running migration",
        "nova/api/openstack/compute/rest_api_version_history.rst:213-218; server_migrations.py:193; nova/compute/api.py:5682-5695"),
    rule(38, &[], "GET /servers?status= with a value that names no status: 400 'Invalid status value' (an empty list before)",
        "nova/api/openstack/compute/rest_api_version_history.rst:474-482; servers.py:216-226"),
    rule(65, &[Action::LiveMigrateAbort], "abort also accepts a queued or preparing migration (400 before)",
        "nova/api/openstack/compute/rest_api_version_history.rst:872-875; server_migrations.py:204; nova/compute/api.py:5682-5695"),
    rule(69, &[], "GET /servers and /servers/{id} show a server in a down cell as a minimal document (status UNKNOWN, no states); actions on it still cannot load it: 500 (at every microversion). A down-cell document read before 2.69 is an error (`ServerDocument::assess_at`, `server_at`)",
        "nova/api/openstack/compute/rest_api_version_history.rst:901-913; servers.py:168-169, 500-506; nova/compute/api.py:2976-3012"),
    rule(73, &[], "documents show `locked_reason`",
        "nova/api/openstack/compute/rest_api_version_history.rst:966-974; views/servers.py:450-452"),
    rule(77, &[Action::Unshelve], "unshelve to an availability zone, only when shelved_offloaded (409 otherwise; the zone was ignored before)",
        "nova/api/openstack/compute/rest_api_version_history.rst:1022-1025; shelve.py:118-124; nova/compute/api.py:4743-4744, 4603-4613"),
    rule(87, &[Action::Rescue], "rescue of a volume-backed server (400 before; from 2.87 it needs the host's COMPUTE_RESCUE_BFV trait and the image's hw_rescue_* properties, not modelled)",
        "nova/api/openstack/compute/rest_api_version_history.rst:1140-1144; rescue.py:62, 76-80; nova/compute/api.py:4919-4937"),
    rule(91, &[Action::Unshelve], "unshelve to a host (admins, os_compute_api:os-shelve:unshelve_to_host), only when shelved_offloaded (409 otherwise; ignored before)",
        "nova/api/openstack/compute/rest_api_version_history.rst:1208-1213; shelve.py:119-127; nova/compute/api.py:4743-4744, 4757-4762"),
    rule(93, &[Action::Rebuild], "rebuild of a volume-backed server with a new image (400 before)",
        "nova/api/openstack/compute/rest_api_version_history.rst:1225-1230; servers.py:1324-1325; nova/compute/api.py:3744-3779"),
    rule(95, &[Action::Evacuate], "an evacuated active or stopped server ends stopped (before: active stays active, stopped stays stopped; one in error ends active either way): `Action::outcome_at`, `Waiter::at`",
        "nova/api/openstack/compute/rest_api_version_history.rst:1243-1249; evacuate.py:111-122; nova/compute/manager.py:4077-4086, 4253-4257"),
];

/// The first microversion at which Nova shows a server in a down cell, as
/// a minimal document (status `UNKNOWN`, no vm_state or task_state):
/// `GET /servers/{id}` and the lists pass `cell_down_support` only from
/// 2.69 (nova/api/openstack/compute/servers.py:168-169, 500-506). Before,
/// the lists leave such a server out and `GET /servers/{id}` answers 500
/// (nova/compute/api.py:3007-3012), so a down-cell document read at an
/// earlier microversion is not one Nova wrote.
///
/// ```
/// use nova_states::rules::{shows_down_cells, DOWN_CELL_DOCUMENTS};
/// use nova_states::Microversion;
/// assert_eq!(DOWN_CELL_DOCUMENTS, Microversion::new(2, 69));
/// assert!(!shows_down_cells(Microversion::new(2, 68)));
/// assert!(shows_down_cells(Microversion::new(2, 69)));
/// ```
pub const DOWN_CELL_DOCUMENTS: Microversion = Microversion::new(2, 69);

/// Whether Nova shows down-cell documents at `microversion`
/// ([`DOWN_CELL_DOCUMENTS`]).
///
/// ```
/// use nova_states::rules::shows_down_cells;
/// use nova_states::Microversion;
/// assert!(shows_down_cells(Microversion::LATEST) && !shows_down_cells(Microversion::MIN));
/// ```
pub const fn shows_down_cells(microversion: Microversion) -> bool {
    microversion.at_least(DOWN_CELL_DOCUMENTS)
}

/// What `GET /servers?status=<text>` does with a status value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusQuery {
    /// A known status: the list is filtered by it.
    Filters(crate::wire::status::ServerStatus),
    /// Unknown, before 2.38: an empty list (servers.py:221-226).
    EmptyList,
    /// Unknown, from 2.38: 400 "Invalid status value" (servers.py:222-224).
    BadRequest,
}

/// What Nova does with `?status=<text>` at a microversion (the 2.38 rule).
///
/// ```
/// use nova_states::rules::{status_query, StatusQuery};
/// use nova_states::Microversion;
/// assert_eq!(status_query("NOPE", Microversion::new(2, 37)), StatusQuery::EmptyList);
/// assert_eq!(status_query("NOPE", Microversion::new(2, 38)), StatusQuery::BadRequest);
/// assert!(matches!(status_query("active", Microversion::LATEST), StatusQuery::Filters(_)));
/// ```
pub fn status_query(text: &str, microversion: Microversion) -> StatusQuery {
    match crate::wire::status::ServerStatus::parse(text) {
        Ok(status) => StatusQuery::Filters(status),
        Err(_) if microversion.at_least(Microversion::new(2, 38)) => StatusQuery::BadRequest,
        Err(_) => StatusQuery::EmptyList,
    }
}
