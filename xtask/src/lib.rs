//! Every generated file of the repository, and how to write it.
//!
//! Each file is written from the library's tables (through the renderers
//! of `nova-states-cli`); `cargo xtask codegen` writes them all and
//! `tests/generated.rs` fails when a checked-in file drifts.

#![forbid(unsafe_code)]

use std::fmt::{self, Write};

use nova_states::Action;
use nova_states_cli::render::docs::{self, DiagramFormat};
use nova_states_cli::render::{matrix, model, preflight};

pub mod clients;
pub mod distance;
pub mod reach;
pub mod waiting;

/// One generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Generated {
    /// `docs/model.json`.
    Model,
    /// `src/machine/reach_table.rs`.
    ReachTable,
    /// `src/machine/distance_table.rs`.
    DistanceTable,
    /// `docs/states.md`.
    States,
    /// `docs/status.md`.
    Status,
    /// `docs/actions.md`.
    Actions,
    /// `docs/matrix.md`.
    Matrix,
    /// `docs/preflight.md`.
    Preflight,
    /// `docs/waiting.md`.
    Waiting,
    /// `docs/diagrams/overview.{md,dot}`.
    Overview(DiagramFormat),
    /// `docs/diagrams/<action>.{md,dot}`, for actions that write task states.
    ActionDiagram(Action, DiagramFormat),
}

impl Generated {
    /// Every generated file.
    pub fn all() -> impl Iterator<Item = Generated> {
        let fixed = [
            Generated::Model,
            Generated::ReachTable,
            Generated::DistanceTable,
            Generated::States,
            Generated::Status,
            Generated::Actions,
            Generated::Matrix,
            Generated::Preflight,
            Generated::Waiting,
            Generated::Overview(DiagramFormat::Mermaid),
            Generated::Overview(DiagramFormat::Dot),
        ];
        let per_action = Action::ALL
            .into_iter()
            .filter(|a| !a.edges().is_empty())
            .flat_map(|a| {
                [
                    Generated::ActionDiagram(a, DiagramFormat::Mermaid),
                    Generated::ActionDiagram(a, DiagramFormat::Dot),
                ]
            });
        fixed.into_iter().chain(per_action)
    }

    /// The file's path, relative to the repository root.
    pub fn path(self) -> String {
        let ext = |f: DiagramFormat| match f {
            DiagramFormat::Mermaid => "md",
            DiagramFormat::Dot => "dot",
        };
        match self {
            Generated::Model => "docs/model.json".into(),
            Generated::ReachTable => "src/machine/reach_table.rs".into(),
            Generated::DistanceTable => "src/machine/distance_table.rs".into(),
            Generated::States => "docs/states.md".into(),
            Generated::Status => "docs/status.md".into(),
            Generated::Actions => "docs/actions.md".into(),
            Generated::Matrix => "docs/matrix.md".into(),
            Generated::Preflight => "docs/preflight.md".into(),
            Generated::Waiting => "docs/waiting.md".into(),
            Generated::Overview(f) => format!("docs/diagrams/overview.{}", ext(f)),
            Generated::ActionDiagram(a, f) => format!("docs/diagrams/{}.{}", a, ext(f)),
        }
    }

    /// The file's contents.
    ///
    /// # Errors
    /// When a renderer fails (a formatting error, which writing to a
    /// `String` never raises, or a JSON error).
    pub fn contents(self) -> Result<String, String> {
        let mut out = String::new();
        let written = match self {
            Generated::Model => return model::model_json().map_err(|e| e.to_string()),
            Generated::ReachTable => reach::write_reach_table(&mut out),
            Generated::DistanceTable => distance::write_distance_table(&mut out),
            Generated::States => docs::states_md(&mut out),
            Generated::Status => docs::status_md(&mut out),
            Generated::Actions => docs::actions_md(&mut out),
            Generated::Matrix => matrix::matrix_md(&mut out),
            Generated::Preflight => preflight::preflight_md(&mut out),
            Generated::Waiting => waiting::waiting_md(&mut out),
            Generated::Overview(DiagramFormat::Mermaid) => mermaid_page(
                &mut out,
                "Overview: how actions move a server between vm_states",
                |out| docs::overview(out, DiagramFormat::Mermaid),
            ),
            Generated::Overview(DiagramFormat::Dot) => docs::overview(&mut out, DiagramFormat::Dot),
            Generated::ActionDiagram(a, DiagramFormat::Mermaid) => {
                mermaid_page(&mut out, a.as_str(), |out| {
                    docs::chain_diagram(out, a, DiagramFormat::Mermaid)
                })
            }
            Generated::ActionDiagram(a, DiagramFormat::Dot) => {
                docs::chain_diagram(&mut out, a, DiagramFormat::Dot)
            }
        };
        written.map_err(|_| format!("could not format {}", self.path()))?;
        Ok(out)
    }
}

/// A markdown page holding one Mermaid diagram.
fn mermaid_page(
    out: &mut String,
    title: &str,
    diagram: impl FnOnce(&mut dyn Write) -> fmt::Result,
) -> fmt::Result {
    docs::md_header(out, title)?;
    out.write_str("```mermaid\n")?;
    diagram(out)?;
    out.write_str("```\n")
}
