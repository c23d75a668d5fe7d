//! [`Outline`]: a compiled menu's tree as plain public values, for tools that show it (the menu
//! diagram, a console) without reaching into the engine's private structures. It is read from a
//! [`Menu`], so it only ever describes a valid tree: every target names a node of the outline.

use crate::menu::{Menu, NodeKind, Target};

/// The tree of a compiled menu, in its default language: its nodes in file order, and where conversations enter it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outline {
    /// The id of the menu every conversation starts at.
    pub start: String,
    /// The id of the menu the word *help* leads to, if the menu names one.
    pub help_node: Option<String>,
    /// Every node, in file order.
    pub nodes: Vec<OutlineNode>,
}

/// One node of an [`Outline`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlineNode {
    /// Its id.
    pub id: String,
    /// The menu a customer returns to from here (*back*, and after an action, a text or a form):
    /// the first menu that leads to it; `None` for the start menu (and for the help menu when only
    /// the word *help* leads there, whose way back is the start menu).
    pub parent: Option<String>,
    /// What it is.
    pub kind: OutlineKind,
}

/// What a node is, with what a picture of it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutlineKind {
    /// A menu of options.
    Menu {
        /// Its header, if it has one.
        header: Option<String>,
        /// Its body text.
        body: String,
        /// Its options, in order.
        options: Vec<OutlineOption>,
    },
    /// A built-in action that answers at once.
    Action {
        /// The action's name, as in the menu file.
        action: &'static str,
    },
    /// A form: questions, then an action.
    Form {
        /// The action that receives the answers.
        action: &'static str,
        /// The questions, in order.
        fields: Vec<OutlineField>,
    },
    /// A static text.
    Text {
        /// The text.
        text: String,
    },
    /// Hands the conversation to a person.
    Handoff {
        /// The queue notice, if the node has its own.
        text: Option<String>,
    },
}

/// One option of a menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlineOption {
    /// The number a customer types for it.
    pub key: u32,
    /// Its title.
    pub title: String,
    /// Where it leads.
    pub target: OptionTarget,
}

/// Where an option leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionTarget {
    /// To the node of this id (`goto`).
    Node(String),
    /// Back (`back = true`), to the menu of this id: the menu's parent, else the start menu.
    Back(String),
}

/// One question of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlineField {
    /// Its name.
    pub name: String,
    /// Its kind's name, as in the menu file (`text`, `order_number`, …).
    pub kind: &'static str,
    /// Whether the customer may skip it.
    pub optional: bool,
}

impl Menu {
    /// The menu's tree as plain values.
    pub fn outline(&self) -> Outline {
        let id = |at: usize| self.nodes[at].id.clone();
        let nodes = self
            .nodes
            .iter()
            .enumerate()
            .map(|(at, node)| OutlineNode {
                id: node.id.clone(),
                parent: node.parent.map(id),
                kind: match &node.kind {
                    NodeKind::Menu(menu) => OutlineKind::Menu {
                        header: menu.reply.first().and_then(|reply| reply.header.clone()),
                        body: menu
                            .reply
                            .first()
                            .map_or_else(String::new, |r| r.body.clone()),
                        options: menu
                            .choices
                            .iter()
                            .zip(menu.reply.first().map_or(&[][..], |r| &r.options[..]))
                            .map(|(choice, shown)| OutlineOption {
                                key: choice.key,
                                title: shown.title.clone(),
                                target: match choice.target {
                                    Target::Node(to) => OptionTarget::Node(id(to)),
                                    Target::Back => OptionTarget::Back(id(self.return_menu(at))),
                                },
                            })
                            .collect(),
                    },
                    NodeKind::Action(action) => OutlineKind::Action {
                        action: action.name(),
                    },
                    NodeKind::Form(form) => OutlineKind::Form {
                        action: form.action.name(),
                        fields: form
                            .fields
                            .iter()
                            .map(|field| OutlineField {
                                name: field.name.clone(),
                                kind: field.kind.name(),
                                optional: field.optional,
                            })
                            .collect(),
                    },
                    NodeKind::Text(text) => OutlineKind::Text {
                        text: text.get(0).to_owned(),
                    },
                    NodeKind::Handoff(text) => OutlineKind::Handoff {
                        text: text.as_ref().map(|text| text.get(0).to_owned()),
                    },
                },
            })
            .collect();
        Outline {
            start: id(self.settings.start),
            help_node: self.settings.help_node.map(id),
            nodes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_MENU_TOML;

    #[test]
    fn the_default_menu_outlines_every_node_with_its_links() {
        let menu = Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap();
        let outline = menu.outline();
        assert_eq!(outline.start, "main");
        assert_eq!(outline.help_node.as_deref(), Some("help"));
        assert_eq!(
            outline
                .nodes
                .iter()
                .map(|n| n.id.as_str())
                .collect::<Vec<_>>(),
            menu.node_ids().collect::<Vec<_>>()
        );
        let node = |id: &str| outline.nodes.iter().find(|n| n.id == id).unwrap();
        let OutlineKind::Menu {
            options, header, ..
        } = &node("orders").kind
        else {
            panic!("orders is a menu");
        };
        assert_eq!(header.as_deref(), Some("Order Status"));
        assert_eq!(options[1].title, "Track order");
        assert_eq!(options[1].target, OptionTarget::Node("track_order".into()));
        assert_eq!(options[3].target, OptionTarget::Back("main".into()));
        assert_eq!(node("orders").parent.as_deref(), Some("main"));
        assert_eq!(node("main").parent, None);
        let OutlineKind::Form { action, fields } = &node("report_defect").kind else {
            panic!("report_defect is a form");
        };
        assert_eq!(*action, "create_defect");
        assert_eq!(
            fields
                .iter()
                .map(|f| (f.name.as_str(), f.kind, f.optional))
                .collect::<Vec<_>>(),
            [
                ("order", "order_number", true),
                ("description", "text", false),
                ("photo", "image", true),
                ("confirm", "confirm", false),
            ]
        );
        assert_eq!(
            node("recent_orders").kind,
            OutlineKind::Action {
                action: "recent_orders"
            }
        );
    }
}
