// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import Skein
import SkeinDemo

TestCase {
    name: "WorkerRow"
    width: 800
    height: 200
    visible: true
    when: windowShown

    // How long a check waits for what must come before it calls it a hang:
    // a guard only, never a claim about speed (a loaded machine may be slow).
    readonly property int hangGuard: 60000

    Component {
        id: rowComponent
        WorkerRow {
            width: 700
        }
    }
    Component {
        id: slowDownload
        Download { chunks: 100000; chunkMilliseconds: 50 }  // 80 min, far beyond hangGuard
    }
    Component {
        id: spyComponent
        SignalSpy {}
    }
    Component {
        id: quickDownload
        Download { chunks: 5; chunkMilliseconds: 5 }
    }
    Component {
        id: tillComponent
        Till {}
    }

    function test_cancelStopsTheWorkerAndTheRowSaysCancelled() {
        const worker = createTemporaryObject(slowDownload, this)
        const row = createTemporaryObject(rowComponent, this, { worker: worker })
        worker.start()
        tryCompare(worker, "running", true, hangGuard)
        const cancel = findChild(row, "cancel")
        verify(cancel.enabled)
        mouseClick(cancel)
        // 80 minutes of chunks: only the cancel ends it within the bound
        tryCompare(worker, "running", false, hangGuard)
        compare(findChild(row, "status").text, "cancelled")
        verify(worker.progress < 1)
        verify(!cancel.enabled)
        row.destroy()  // before its worker
    }

    function test_aFinishedWorkerShowsOneHundredPercent() {
        const worker = createTemporaryObject(quickDownload, this)
        const row = createTemporaryObject(rowComponent, this, { worker: worker })
        const finished = createTemporaryObject(spyComponent, this, { target: worker, signalName: "finished" })
        worker.start()
        finished.wait(hangGuard)
        compare(worker.running, false)
        compare(findChild(row, "status").text, "finished")
        compare(findChild(row, "percent").text, "100 %")
        compare(findChild(row, "progressBar").value, 1)
        compare(worker.result, 5 * 64)
        row.destroy()  // before its worker
    }

    // The row's SignalAdaptor follows the worker's halfway Signal: not fired
    // while the worker stands before one half, fired once it passed it, and
    // the mark on the progress bar lights up.
    function test_theHalfwayMarkLightsUpWhenTheWorkerIsHalfwayDone() {
        const worker = createTemporaryObject(slowDownload, this)
        const row = createTemporaryObject(rowComponent, this, { worker: worker })
        const halfway = findChild(row, "halfway")
        const mark = findChild(row, "halfwayMark")
        const unlit = mark.color
        compare(halfway.fired, false)
        worker.start()
        tryVerify(() => worker.progress > 0, hangGuard)
        // 1 of 100000 chunks: far from halfway, and it stays so
        compare(halfway.fired, false)
        compare(mark.color, unlit)
        worker.requestStop()
        tryCompare(worker, "running", false, hangGuard)
        compare(halfway.fired, false)
        row.destroy()  // before its worker

        const quick = createTemporaryObject(quickDownload, this)
        const quickRow = createTemporaryObject(rowComponent, this, { worker: quick })
        const quickHalfway = findChild(quickRow, "halfway")
        const fired = createTemporaryObject(spyComponent, this, { target: quickHalfway, signalName: "fired" })
        quick.start()
        fired.wait(hangGuard)
        compare(quickHalfway.fired, true)
        verify(findChild(quickRow, "halfwayMark").color !== unlit)
        tryCompare(quick, "running", false, hangGuard)
        compare(fired.count, 1)
        quickRow.destroy()
    }

    // A row made after its worker passed halfway shows it too.
    function test_aRowMadeLaterShowsTheHalfwayAlreadyPassed() {
        const worker = createTemporaryObject(quickDownload, this)
        const finished = createTemporaryObject(spyComponent, this, { target: worker, signalName: "finished" })
        worker.start()
        finished.wait(hangGuard)
        const row = createTemporaryObject(rowComponent, this, { worker: worker })
        tryCompare(findChild(row, "halfway"), "fired", true, hangGuard)
        row.destroy()
    }

    // The time limit's Till: the chip says the limit until the Till fires,
    // then that time is up.
    function test_theTimeLimitChipSaysWhenTimeIsUp() {
        const worker = createTemporaryObject(quickDownload, this)
        const row = createTemporaryObject(rowComponent, this, { worker: worker })
        const chip = findChild(row, "timeLimit")
        compare(chip.visible, false)
        const till = createTemporaryObject(tillComponent, this, { seconds: 0.2 })
        row.deadline = till
        compare(chip.visible, true)
        compare(findChild(row, "timeLimitText").text, "limit 0.2 s")
        compare(chip.timeIsUp, false)
        createTemporaryObject(spyComponent, this, { target: till, signalName: "fired" }).wait(hangGuard)
        compare(chip.timeIsUp, true)
        compare(findChild(row, "timeLimitText").text, "time's up")
        row.destroy()
    }
}
