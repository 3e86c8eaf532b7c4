//! The parsed form: one flat array of nodes in post-order (children before their operator,
//! the root last). A 1,000-character expression is one allocation instead of one per `AND`
//! run, `OR` list and `NOT`, which is what made parsing slow (issue 2's 5 µs budget), and
//! evaluation walks a contiguous slice.
//!
//! Navigation goes backwards: an operator's last child ends right before it, and each node
//! records the size of its subtree, so the previous sibling's root is `child - size(child)`.

use std::fmt;

/// One node. `size` counts the nodes of the subtree, this one included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Node {
    /// A condition by its 1-based position in the rule's list.
    Index(usize),
    Not {
        size: u32,
    },
    And {
        arity: u32,
        size: u32,
    },
    Or {
        arity: u32,
        size: u32,
    },
}

impl Node {
    pub(super) fn size(self) -> usize {
        match self {
            Node::Index(_) => 1,
            Node::Not { size } | Node::And { size, .. } | Node::Or { size, .. } => size as usize,
        }
    }
}

/// A parsed expression, kept normalized: `And`/`Or` have at least two items and never
/// directly contain an item of their own kind (`1 OR (2 OR 3)` is one `Or` of three), so equal
/// meanings written with different redundant parentheses give equal values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Expr {
    /// Post-order, root last; never empty.
    pub(super) nodes: Vec<Node>,
}

/// A subtree of an [`Expr`], to look at its [`Shape`].
#[derive(Debug, Clone, Copy)]
pub struct ExprRef<'a> {
    nodes: &'a [Node],
    root: usize,
}

/// What a subtree is, with its items in written order.
#[derive(Debug)]
pub enum Shape<'a> {
    /// A condition by its 1-based position in the rule's list.
    Index(usize),
    Not(ExprRef<'a>),
    And(Vec<ExprRef<'a>>),
    Or(Vec<ExprRef<'a>>),
}

/// Roots of the children of the operator at `root`, last child first.
fn children(nodes: &[Node], root: usize, arity: u32) -> impl Iterator<Item = usize> + '_ {
    let mut next = root;
    (0..arity).map_while(move |_| {
        let child = next.checked_sub(1)?;
        next = child + 1 - nodes.get(child)?.size().min(child + 1);
        Some(child)
    })
}

fn eval_at(nodes: &[Node], root: usize, results: &[bool]) -> bool {
    match nodes.get(root) {
        Some(Node::Index(n)) => n
            .checked_sub(1)
            .and_then(|i| results.get(i))
            .copied()
            .unwrap_or(false),
        Some(Node::Not { .. }) => root
            .checked_sub(1)
            .is_some_and(|c| !eval_at(nodes, c, results)),
        Some(Node::And { arity, .. }) => {
            children(nodes, root, *arity).all(|c| eval_at(nodes, c, results))
        }
        Some(Node::Or { arity, .. }) => {
            children(nodes, root, *arity).any(|c| eval_at(nodes, c, results))
        }
        None => false,
    }
}

impl Expr {
    /// Condition `n` (1-based).
    pub fn index(n: usize) -> Expr {
        Expr {
            nodes: vec![Node::Index(n)],
        }
    }

    /// The negation of `inner`.
    #[allow(clippy::should_implement_trait)] // a constructor, not `!` on a value
    pub fn not(inner: Expr) -> Expr {
        let mut nodes = inner.nodes;
        let size = nodes.len() as u32 + 1;
        nodes.push(Node::Not { size });
        Expr { nodes }
    }

    /// The conjunction of `items`, flattening nested `And`s; a single item is returned as is.
    pub fn and(items: Vec<Expr>) -> Expr {
        Self::join(items, true)
    }

    /// The disjunction of `items`, flattening nested `Or`s; a single item is returned as is.
    pub fn or(items: Vec<Expr>) -> Expr {
        Self::join(items, false)
    }

    fn join(mut items: Vec<Expr>, conjunction: bool) -> Expr {
        if items.len() == 1 {
            if let Some(only) = items.pop() {
                return only;
            }
        }
        let mut nodes = Vec::with_capacity(items.iter().map(|e| e.nodes.len()).sum::<usize>() + 1);
        let mut arity = 0;
        for item in items {
            let start = nodes.len();
            nodes.extend(item.nodes);
            arity += absorb(&mut nodes, start, conjunction);
        }
        let size = nodes.len() as u32 + 1;
        nodes.push(if conjunction {
            Node::And { arity, size }
        } else {
            Node::Or { arity, size }
        });
        Expr { nodes }
    }

    /// The whole expression, to look at its shape.
    pub fn root(&self) -> ExprRef<'_> {
        ExprRef {
            nodes: &self.nodes,
            root: self.nodes.len().saturating_sub(1),
        }
    }

    /// The expression's value given each condition's result (`results[0]` is condition 1).
    /// A number beyond `results` counts as false; [`super::parse`] never produces one.
    pub fn eval(&self, results: &[bool]) -> bool {
        self.root().eval(results)
    }

    /// The length of the canonical form (`to_string().len()`, all ASCII) without printing it.
    pub fn canonical_len(&self) -> usize {
        let nodes = &self.nodes;
        let wrapped = |child: usize, or_only: bool| match nodes.get(child) {
            Some(Node::Or { .. }) => 2,
            Some(Node::And { .. }) if !or_only => 2,
            _ => 0,
        };
        let mut len = 0;
        for (i, node) in nodes.iter().enumerate() {
            len += match *node {
                Node::Index(n) => digits(n),
                Node::Not { .. } => 4 + i.checked_sub(1).map_or(0, |c| wrapped(c, false)),
                Node::And { arity, .. } => {
                    5 * (arity as usize).saturating_sub(1)
                        + children(nodes, i, arity)
                            .map(|c| wrapped(c, false))
                            .sum::<usize>()
                }
                Node::Or { arity, .. } => {
                    4 * (arity as usize).saturating_sub(1)
                        + children(nodes, i, arity)
                            .map(|c| wrapped(c, true))
                            .sum::<usize>()
                }
            };
        }
        len
    }

    /// The highest condition number used (0 for none).
    pub fn max_index(&self) -> usize {
        self.nodes
            .iter()
            .filter_map(|n| match n {
                Node::Index(n) => Some(*n),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }
}

/// Folds the subtree that starts at `start` (the last one in `nodes`) into an operator being
/// built: an operator of the same kind gives up its root and contributes its items, so trees
/// stay flat. Returns the number of items contributed.
pub(super) fn absorb(nodes: &mut Vec<Node>, start: usize, conjunction: bool) -> u32 {
    if nodes.len() <= start {
        return 0;
    }
    match nodes.last() {
        Some(&Node::And { arity, .. }) if conjunction => {
            nodes.pop();
            arity
        }
        Some(&Node::Or { arity, .. }) if !conjunction => {
            nodes.pop();
            arity
        }
        _ => 1,
    }
}

fn digits(mut n: usize) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

impl<'a> ExprRef<'a> {
    pub fn shape(&self) -> Shape<'a> {
        let items = |arity| {
            let mut items: Vec<ExprRef<'a>> = children(self.nodes, self.root, arity)
                .map(|root| ExprRef {
                    nodes: self.nodes,
                    root,
                })
                .collect();
            items.reverse();
            items
        };
        match self.nodes.get(self.root) {
            Some(Node::Index(n)) => Shape::Index(*n),
            Some(Node::Not { .. }) => Shape::Not(ExprRef {
                nodes: self.nodes,
                root: self.root.saturating_sub(1),
            }),
            Some(Node::And { arity, .. }) => Shape::And(items(*arity)),
            Some(Node::Or { arity, .. }) => Shape::Or(items(*arity)),
            None => Shape::Index(0),
        }
    }

    /// The subtree's value given each condition's result (`results[0]` is condition 1).
    pub fn eval(&self, results: &[bool]) -> bool {
        eval_at(self.nodes, self.root, results)
    }

    fn is_and(&self) -> bool {
        matches!(self.nodes.get(self.root), Some(Node::And { .. }))
    }

    fn is_or(&self) -> bool {
        matches!(self.nodes.get(self.root), Some(Node::Or { .. }))
    }
}

/// The canonical form: numbers, upper-case keywords, single spaces, and parentheses only
/// where precedence requires them (an `Or` inside an `And` or under `NOT`, an `And` under
/// `NOT`).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.root().fmt(f)
    }
}

impl fmt::Display for ExprRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shape() {
            Shape::Index(n) => write!(f, "{n}"),
            Shape::Not(inner) if inner.is_and() || inner.is_or() => write!(f, "NOT ({inner})"),
            Shape::Not(inner) => write!(f, "NOT {inner}"),
            Shape::And(items) => write_joined(f, &items, " AND ", |e| e.is_or() || e.is_and()),
            Shape::Or(items) => write_joined(f, &items, " OR ", |e| e.is_or()),
        }
    }
}

fn write_joined(
    f: &mut fmt::Formatter<'_>,
    items: &[ExprRef<'_>],
    separator: &str,
    needs_parentheses: impl Fn(&ExprRef<'_>) -> bool,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        if needs_parentheses(item) {
            write!(f, "({item})")?;
        } else {
            write!(f, "{item}")?;
        }
    }
    Ok(())
}
