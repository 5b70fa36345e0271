// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
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
}
