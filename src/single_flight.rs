//! One maker at a time per key: when many requests miss the same kept value at once (every
//! kept page goes stale at the same second), the first makes it and the others wait for it
//! to finish, then look again, instead of all making the same thing together. A waiter
//! never waits on anything but the maker finishing (or giving up: its guard wakes them when
//! dropped, cancelled or not), and makes the value itself if it was not kept.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

pub struct Flights<K> {
    making: Mutex<HashMap<K, watch::Receiver<()>>>,
}

impl<K> Default for Flights<K> {
    fn default() -> Self {
        Flights {
            making: Mutex::new(HashMap::new()),
        }
    }
}

/// Whoever asked: the maker holds the guard until the value is kept (or not); anyone else
/// waits for that first.
pub enum Turn<K: Hash + Eq + Clone> {
    Make(Making<K>),
    Waited,
}

/// The maker's place: dropping it lets the waiters go.
pub struct Making<K: Hash + Eq + Clone> {
    flights: Arc<Flights<K>>,
    key: K,
    _done: watch::Sender<()>,
}

impl<K: Hash + Eq + Clone> Flights<K> {
    /// Makes `key` this caller's to make, or waits until the caller making it has finished.
    pub async fn turn(self: &Arc<Self>, key: &K) -> Turn<K> {
        let waiting = {
            let mut making = self.making.lock().unwrap_or_else(|e| e.into_inner());
            match making.get(key) {
                Some(receiver) => receiver.clone(),
                None => {
                    let (done, receiver) = watch::channel(());
                    making.insert(key.clone(), receiver);
                    return Turn::Make(Making {
                        flights: Arc::clone(self),
                        key: key.clone(),
                        _done: done,
                    });
                }
            }
        };
        let mut waiting = waiting;
        // Nothing is ever sent: this returns when the maker's sender is dropped.
        let _ = waiting.changed().await;
        Turn::Waited
    }

    /// Keys being made now.
    #[cfg(test)]
    fn in_flight(&self) -> usize {
        self.making.lock().map_or(0, |m| m.len())
    }
}

impl<K: Hash + Eq + Clone> Drop for Making<K> {
    fn drop(&mut self) {
        let mut making = self
            .flights
            .making
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        making.remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn the_others_wait_for_the_one_making_it() {
        let flights = Arc::new(Flights::<u32>::default());
        let made = Arc::new(AtomicUsize::new(0));
        let kept = Arc::new(Mutex::new(None::<&str>));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (flights, made, kept) = (flights.clone(), made.clone(), kept.clone());
            tasks.spawn(async move {
                if let Some(value) = *kept.lock().unwrap() {
                    return value;
                }
                match flights.turn(&1).await {
                    Turn::Make(_guard) => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        made.fetch_add(1, Ordering::SeqCst);
                        *kept.lock().unwrap() = Some("page");
                        "page"
                    }
                    Turn::Waited => kept.lock().unwrap().expect("kept by the maker"),
                }
            });
        }
        let answers = tasks.join_all().await;
        assert_eq!(answers, vec!["page"; 20]);
        assert_eq!(made.load(Ordering::SeqCst), 1, "made once");
        assert_eq!(flights.in_flight(), 0);
    }

    #[tokio::test]
    async fn a_maker_that_gives_up_lets_the_waiters_go() {
        let flights = Arc::new(Flights::<u32>::default());
        let Turn::Make(guard) = flights.turn(&1).await else {
            panic!("the first asks first");
        };
        let waiter = tokio::spawn({
            let flights = flights.clone();
            async move { matches!(flights.turn(&1).await, Turn::Waited) }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        drop(guard);
        assert!(waiter.await.unwrap());
        assert!(
            matches!(flights.turn(&1).await, Turn::Make(_)),
            "free again"
        );
        assert!(
            matches!(flights.turn(&2).await, Turn::Make(_)),
            "other keys never wait"
        );
    }
}
