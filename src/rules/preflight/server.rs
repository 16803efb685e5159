//! The server as pre-flight sees it: its state, lock, launch and host status.

use super::*;

/// A compute host's status as `host_status` shows it (2.16+, admins by
/// default; nova/objects/fields.py:782-790, computed at
/// nova/compute/api.py:6044-6060).
///
/// ```
/// use nova_states::rules::HostStatus;
/// assert_eq!("".parse::<HostStatus>(), Ok(HostStatus::None));
/// assert_eq!(HostStatus::Maintenance.as_str(), "MAINTENANCE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostStatus {
    /// `UP`: nova-compute is up.
    Up,
    /// `DOWN`: nova-compute is forced down.
    Down,
    /// `MAINTENANCE`: nova-compute is disabled (and may be up).
    Maintenance,
    /// `UNKNOWN`: nova-compute has not reported.
    Unknown,
    /// `""`: no host.
    None,
}

impl HostStatus {
    /// The wire value.
    ///
    /// ```
    /// use nova_states::rules::HostStatus;
    /// assert_eq!(HostStatus::None.as_str(), "");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            HostStatus::Up => "UP",
            HostStatus::Down => "DOWN",
            HostStatus::Maintenance => "MAINTENANCE",
            HostStatus::Unknown => "UNKNOWN",
            HostStatus::None => "",
        }
    }

    /// Whether `service_is_up` holds for the host's nova-compute, as far as
    /// the status tells: `UP` and `MAINTENANCE` (disabled, still
    /// reporting) are up; `DOWN` (forced down) and `UNKNOWN` (no report)
    /// are not (api.py:6049-6056).
    ///
    /// ```
    /// use nova_states::rules::HostStatus;
    /// assert!(HostStatus::Maintenance.is_up());
    /// assert!(!HostStatus::Unknown.is_up());
    /// ```
    pub const fn is_up(self) -> bool {
        matches!(self, HostStatus::Up | HostStatus::Maintenance)
    }
}

impl core::str::FromStr for HostStatus {
    type Err = UnknownName;
    fn from_str(text: &str) -> Result<HostStatus, UnknownName> {
        Ok(match text {
            "UP" => HostStatus::Up,
            "DOWN" => HostStatus::Down,
            "MAINTENANCE" => HostStatus::Maintenance,
            "UNKNOWN" => HostStatus::Unknown,
            "" => HostStatus::None,
            _ => return Err(UnknownName::HostStatus),
        })
    }
}

/// A live migration's status, for force-complete and abort.
///
/// ```
/// use nova_states::rules::MigrationStatus;
/// assert_eq!("queued".parse::<MigrationStatus>(), Ok(MigrationStatus::Queued));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MigrationStatus {
    /// `running`.
    Running,
    /// `queued`.
    Queued,
    /// `preparing`.
    Preparing,
    /// Any other status (`completed`, `error`, ...).
    Other,
}

impl MigrationStatus {
    /// The status as Nova writes it (`Other` prints as `other`).
    pub const fn as_str(self) -> &'static str {
        match self {
            MigrationStatus::Running => "running",
            MigrationStatus::Queued => "queued",
            MigrationStatus::Preparing => "preparing",
            MigrationStatus::Other => "other",
        }
    }
}

impl core::str::FromStr for MigrationStatus {
    type Err = UnknownName;
    fn from_str(text: &str) -> Result<MigrationStatus, UnknownName> {
        Ok(match text {
            "running" => MigrationStatus::Running,
            "queued" => MigrationStatus::Queued,
            "preparing" => MigrationStatus::Preparing,
            "" => return Err(UnknownName::MigrationStatus),
            _ => MigrationStatus::Other,
        })
    }
}

/// The server as a request finds it: what its document shows.
///
/// ```
/// use nova_states::rules::Server;
/// use nova_states::VmState;
/// let s = Server::new(VmState::Active, None);
/// assert!(s.launched && !s.locked);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Server {
    /// `OS-EXT-STS:vm_state`; `None` for a server in a down cell (2.69+
    /// documents with status `UNKNOWN`, views/servers.py:108-121).
    pub vm_state: Option<VmState>,
    /// `OS-EXT-STS:task_state`.
    pub task_state: Option<TaskState>,
    /// `OS-EXT-STS:power_state` (no rule reads it; kept for the record).
    pub power_state: Option<PowerState>,
    /// Whether `launched_at` is set (`OS-SRV-USG:launched_at`).
    pub launched: bool,
    /// `locked` (2.9+, views/servers.py:410-411).
    pub locked: bool,
    /// Whether a `locked_reason` is shown (2.73+, views/servers.py:450-452).
    pub locked_reason: bool,
    /// `host_status` (2.16+, admins by default), when shown.
    pub host_status: Option<HostStatus>,
}

impl Server {
    /// A launched, unlocked server in this state, host unknown.
    pub const fn new(vm_state: VmState, task_state: Option<TaskState>) -> Server {
        Server {
            vm_state: Some(vm_state),
            task_state,
            power_state: None,
            launched: true,
            locked: false,
            locked_reason: false,
            host_status: None,
        }
    }
}
