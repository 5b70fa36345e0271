import QtQuick
import QtTest
import Skein

TestCase {
    name: "Till"

    Till {
        id: till
        seconds: 0.2
    }
    SignalSpy {
        id: firedSpy
        target: till
        signalName: "fired"
    }

    function test_firesOnceAfterItsSeconds() {
        const started = Date.now()
        firedSpy.wait(5000)
        // Date.now() has millisecond resolution; the Till is never early.
        verify(Date.now() - started >= 200 - 20, "fired too early")
        compare(till.fired, true)
        wait(300)  // a second firing would arrive within this
        compare(firedSpy.count, 1)
    }
}
