//! Import cycles in the module graph.
//!
//! A module and its own submodules naming each other (`mod.rs` routing to a child, the
//! child using a helper from `super`) is how Rust folders work, not a cycle: a group of
//! modules that import each other counts only if it reaches outside the folder of its
//! top module, or if it still is a group once that folder's `mod.rs` is left out (two
//! siblings importing each other).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::source::ModulePath;

/// module → the modules it imports → where it first does (file, line).
pub type Graph = BTreeMap<ModulePath, BTreeMap<ModulePath, (String, usize)>>;

/// One cycle (the modules in order) for each group of modules that import each other.
pub fn cycles(graph: &Graph) -> Vec<Vec<ModulePath>> {
    let mut found = Vec::new();
    find(graph, &graph.keys().collect(), &mut found);
    found
}

fn find<'g>(graph: &'g Graph, nodes: &BTreeSet<&'g ModulePath>, found: &mut Vec<Vec<ModulePath>>) {
    for members in strongly_connected(graph, nodes) {
        if let Some(top) = folder_top(members.iter().copied()) {
            let mut inside = members.clone();
            inside.remove(top);
            find(graph, &inside, found);
            continue;
        }
        let cycles: Vec<Vec<ModulePath>> = members
            .iter()
            .filter_map(|start| shortest_cycle(graph, &members, start))
            .collect();
        if let Some(cycle) = cycles
            .iter()
            .find(|c| folder_top(c.iter()).is_none())
            .or(cycles.first())
        {
            // From its first module in name order, so the message is the same every run.
            let mut cycle = cycle.clone();
            let first = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap_or(0);
            cycle.rotate_left(first);
            found.push(cycle);
        }
    }
}

/// The member that every other one lies under, if any (the folder's `mod.rs`).
fn folder_top<'a>(members: impl Iterator<Item = &'a ModulePath> + Clone) -> Option<&'a ModulePath> {
    members
        .clone()
        .find(|top| members.clone().all(|m| m.starts_with(top)))
}

/// Tarjan's strongly connected components of `nodes`, the ones of two or more modules.
fn strongly_connected<'g>(
    graph: &'g Graph,
    nodes: &BTreeSet<&'g ModulePath>,
) -> Vec<BTreeSet<&'g ModulePath>> {
    struct Search<'g, 'n> {
        graph: &'g Graph,
        nodes: &'n BTreeSet<&'g ModulePath>,
        index: BTreeMap<&'g ModulePath, usize>,
        low: BTreeMap<&'g ModulePath, usize>,
        stack: Vec<&'g ModulePath>,
        components: Vec<BTreeSet<&'g ModulePath>>,
    }
    impl<'g> Search<'g, '_> {
        fn visit(&mut self, node: &'g ModulePath) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            for next in self.graph[node]
                .keys()
                .filter(|next| self.nodes.contains(next))
            {
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.stack.contains(&next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = BTreeSet::new();
                while let Some(member) = self.stack.pop() {
                    component.insert(member);
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.components.push(component);
                }
            }
        }
    }
    let mut search = Search {
        graph,
        nodes,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        components: Vec::new(),
    };
    for node in nodes {
        if !search.index.contains_key(node) {
            search.visit(node);
        }
    }
    search.components
}

/// The shortest way from `start` back to it through `members` (breadth-first).
fn shortest_cycle(
    graph: &Graph,
    members: &BTreeSet<&ModulePath>,
    start: &ModulePath,
) -> Option<Vec<ModulePath>> {
    let mut came_from: BTreeMap<&ModulePath, &ModulePath> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for next in graph[node].keys().filter(|n| members.contains(n)) {
            if next == start {
                let mut cycle = vec![node.clone()];
                let mut at = node;
                while at != start {
                    at = came_from[at];
                    cycle.push(at.clone());
                }
                cycle.reverse();
                return Some(cycle);
            }
            if !came_from.contains_key(next) {
                came_from.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    None
}
