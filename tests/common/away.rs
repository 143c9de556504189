//! Pages that go away and come back: closed for good (`pagehide`, then
//! gone), vanished without `pagehide` (a crash, the browser killed), put
//! into the back-forward cache and shown again from it, a new page in the
//! same tab after a navigation away, and `destroy()`.
//!
//! - A page in the back-forward cache is not open: it took `pagehide`
//!   (`Input::Leave`), the shell dropped every lock it held and closed its
//!   channel, so it hears no message and no `storage` event, and its timers
//!   do not fire. Shown again, it is open once more and the shell hands
//!   `Input::Shown` (the one listener an ended guard keeps), unless the
//!   guard was destroyed.
//! - `destroy()`: the guard leaves (as on `pagehide`), then keeps nothing:
//!   no lock, no timer, no listener (a later `pageshow` reaches nothing).

use session_guard::core::Input;

use super::monitor::Fact;
use super::world::World;

impl World {
    /// The page of `tab` goes away for good, or navigates away: `pagehide`,
    /// then it closes.
    pub fn go_away(&mut self, tab: usize) {
        self.act(|w| {
            w.note(tab, "pagehide, then the page closes".into());
            w.drive(tab, Input::Leave)?;
            w.close_page(tab);
            Ok(())
        });
    }

    /// The page of `tab` vanishes without `pagehide` (a crash, the browser
    /// killed): its locks go, the record hears nothing of it.
    pub fn vanish(&mut self, tab: usize) {
        self.note(tab, "the page vanishes (no pagehide)".into());
        self.close(tab);
    }

    /// A new page (a new document with a guard with the same options) in
    /// the tab of `page`, whose page has gone away: the user comes back.
    pub fn come_back(&mut self, page: usize) {
        let tab = self.pages[page];
        assert!(
            !self.tabs[tab].open && !self.tabs[tab].cached,
            "page {page} is still there"
        );
        self.act(|w| {
            let t = &w.tabs[tab];
            let (opts, cross_tab) = (t.opts, t.cross_tab);
            w.next_doc += 1;
            w.start_guard(opts, cross_tab, page, w.next_doc)?;
            Ok(())
        });
    }

    /// The page of `tab` goes into the back-forward cache (`pagehide` with
    /// `persisted`).
    pub fn hide(&mut self, tab: usize) {
        self.act(|w| {
            w.note(
                tab,
                "pagehide (persisted): into the back-forward cache".into(),
            );
            w.drive(tab, Input::Leave)?;
            let t = &mut w.tabs[tab];
            t.open = false;
            t.cached = true;
            t.drop_handles();
            t.releasing = false;
            w.fact(tab, Fact::Cached);
            Ok(())
        });
    }

    /// The back-forward cache shows the page of `tab` again (`pageshow`
    /// with `persisted`).
    pub fn show(&mut self, tab: usize) {
        self.act(|w| {
            let t = &mut w.tabs[tab];
            if !t.cached {
                return Ok(());
            }
            t.cached = false;
            t.open = true;
            let destroyed = t.destroyed;
            w.fact(tab, Fact::Shown);
            if destroyed {
                w.note(tab, "pageshow (persisted): no listener is left".into());
                return Ok(());
            }
            w.note(tab, "pageshow (persisted): shown again".into());
            w.drive(tab, Input::Shown)
        });
    }

    /// `destroy()` in the page of `tab`.
    pub fn destroy(&mut self, tab: usize) {
        self.act(|w| {
            w.note(tab, "destroy()".into());
            w.drive(tab, Input::Leave)?;
            let t = &mut w.tabs[tab];
            t.destroyed = true;
            t.live = false;
            t.drop_handles();
            t.releasing = false;
            t.quiet_until = 0;
            w.fact(tab, Fact::Destroyed);
            Ok(())
        });
    }
}
