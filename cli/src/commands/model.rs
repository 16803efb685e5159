//! `nova-states model`: the model as JSON, markdown or a diagram.

use crate::*;

pub(crate) fn cmd_model(format: ModelFormat, out: &mut Out) -> Result<u8, Fail> {
    let mut text = String::new();
    let written = match format {
        ModelFormat::Json => {
            text = model::model_json()
                .map_err(|e| unreadable(format!("could not write the model: {e}")))?;
            Ok(())
        }
        ModelFormat::Markdown => docs::states_md(&mut text)
            .and_then(|()| docs::status_md(&mut text))
            .and_then(|()| docs::actions_md(&mut text)),
        ModelFormat::Mermaid => docs::md_header(
            &mut text,
            "Overview: how actions move a server between vm_states",
        )
        .and_then(|()| text.write_str("```mermaid\n"))
        .and_then(|()| docs::overview(&mut text, DiagramFormat::Mermaid))
        .and_then(|()| text.write_str("```\n")),
        ModelFormat::Dot => docs::overview(&mut text, DiagramFormat::Dot),
    };
    written.map_err(|_| unreadable("could not format the model"))?;
    out.write_all(text.as_bytes())?;
    Ok(0)
}
