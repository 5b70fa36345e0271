// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import Skein

TestCase {
    name: "Till"

    // How long a check waits for what must come before it calls it a hang:
    // a guard only, never a claim about speed (a loaded machine may be slow).
    readonly property int hangGuard: 60000

    Component {
        id: tillComponent
        Till {}
    }
    Component {
        id: spyComponent
        SignalSpy { signalName: "fired" }
    }

    function test_firesOnceAfterItsSeconds() {
        const started = Date.now()
        const till = createTemporaryObject(tillComponent, this, { seconds: 0.2 })
        const spy = createTemporaryObject(spyComponent, this, { target: till })
        compare(till.fired, false)
        spy.wait(hangGuard)
        // Never early. Date.now() counts whole milliseconds on another clock
        // than the Till's: 2 ms of slack for the rounding of both.
        verify(Date.now() - started >= 200 - 2, "fired after " + (Date.now() - started) + " ms")
        compare(till.fired, true)

        // A Till that goes later has fired too: this one still fired once.
        const later = createTemporaryObject(tillComponent, this, { seconds: 0.1 })
        createTemporaryObject(spyComponent, this, { target: later }).wait(hangGuard)
        compare(spy.count, 1)
        compare(till.fired, true)
    }

    function test_aTillOfZeroSecondsFiresOnceAtOnce() {
        const till = createTemporaryObject(tillComponent, this, { seconds: 0 })
        const spy = createTemporaryObject(spyComponent, this, { target: till })
        spy.wait(hangGuard)
        compare(spy.count, 1)
        compare(till.fired, true)
    }
}
