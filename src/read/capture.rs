//! When, along a polled sequence, an image-taking operation captured the
//! guest disk: the moment after which writes inside the guest no longer
//! affect the image.

use crate::read::trace::{Observation, Step, StepKind};
use crate::rules::outcome::Driver;
use crate::wire::action::Action;

/// When, in a polled image-taking operation, the guest disk was captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaptureWindow {
    /// The last observation at which the capture had not finished yet.
    pub not_yet: Option<usize>,
    /// The first observation at which it certainly has.
    pub by: Option<usize>,
}

/// Tracks, along a sequence, when the disk of an image-taking operation
/// (snapshot, backup, shelve) was captured, for one driver path.
///
/// libvirt's standard path captures in its second `image_pending_upload`;
/// its first round is a failed direct-snapshot attempt that lasts no longer
/// than one RPC-free call, so polls practically never see it: this tracker
/// takes the first `image_uploading` after an `image_pending_upload` as the
/// capture's end on that path (and says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptureTracker {
    driver: Driver,
    window: CaptureWindow,
    active: Option<Action>,
}

impl CaptureTracker {
    /// A tracker for `driver`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::{CaptureTracker, CaptureWindow};
    /// use nova_states::Driver;
    ///
    /// let tracker = CaptureTracker::new(Driver::VMware);
    /// assert_eq!(tracker.window(), CaptureWindow { not_yet: None, by: None });
    /// ```
    pub const fn new(driver: Driver) -> CaptureTracker {
        CaptureTracker {
            driver,
            window: CaptureWindow {
                not_yet: None,
                by: None,
            },
            active: None,
        }
    }

    /// Feeds the observation at `index` and the validator's step for it.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::{CaptureTracker, CaptureWindow};
    /// use nova_states::{Driver, Observation, TaskState as T, Validator, VmState};
    ///
    /// let polls = [None, Some(T::ImageSnapshot), Some(T::ImagePendingUpload), Some(T::ImageUploading), None];
    /// let mut validator = Validator::new();
    /// let mut tracker = CaptureTracker::new(Driver::LibvirtStandard);
    /// for (index, task) in polls.into_iter().enumerate() {
    ///     let obs = Observation { vm: VmState::Active, task, power: None, status: None };
    ///     let step = validator.observe(obs)?;
    ///     tracker.feed(index, &obs, &step);
    /// }
    /// // Not captured yet at poll 2 (image_pending_upload), captured by poll 3.
    /// assert_eq!(tracker.window(), CaptureWindow { not_yet: Some(2), by: Some(3) });
    /// # Ok::<(), nova_states::Violation>(())
    /// ```
    pub fn feed(&mut self, index: usize, obs: &Observation, step: &Step) {
        let capture = step
            .operations
            .iter()
            .find_map(|a| a.disk_capture(self.driver).map(|c| (a, c)));
        match (obs.task, capture) {
            (Some(task), Some((action, c))) => {
                if self.active != Some(action) {
                    self.active = Some(action);
                    self.window = CaptureWindow {
                        not_yet: None,
                        by: None,
                    };
                }
                if self.window.by.is_none() {
                    if Some(task) == c.safe_from {
                        self.window.by = Some(index);
                    } else {
                        self.window.not_yet = Some(index);
                    }
                }
            }
            (None, _) if self.active.is_some() && step.kind == StepKind::Ended => {
                if self.window.by.is_none() {
                    self.window.by = Some(index);
                }
                self.active = None;
            }
            _ => {}
        }
    }

    /// The window found so far for the last image-taking operation.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::{CaptureTracker, CaptureWindow};
    /// use nova_states::{Driver, Observation, TaskState as T, Validator, VmState};
    ///
    /// // With RBD direct snapshots the disk is read until the task ends.
    /// let polls = [None, Some(T::ImageSnapshot), Some(T::ImagePendingUpload), Some(T::ImageUploading), None];
    /// let mut validator = Validator::new();
    /// let mut tracker = CaptureTracker::new(Driver::LibvirtRbdDirect);
    /// for (index, task) in polls.into_iter().enumerate() {
    ///     let obs = Observation { vm: VmState::Active, task, power: None, status: None };
    ///     let step = validator.observe(obs)?;
    ///     tracker.feed(index, &obs, &step);
    /// }
    /// assert_eq!(tracker.window(), CaptureWindow { not_yet: Some(3), by: Some(4) });
    /// # Ok::<(), nova_states::Violation>(())
    /// ```
    pub const fn window(&self) -> CaptureWindow {
        self.window
    }
}
