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

    Component {
        id: rowComponent
        WorkerRow {
            width: 700
        }
    }
    Component {
        id: slowDownload
        Download { chunks: 1000; chunkMilliseconds: 50 }
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
        tryCompare(worker, "running", true)
        const cancel = findChild(row, "cancel")
        verify(cancel.enabled)
        mouseClick(cancel)
        // 1000 chunks of 50 ms: only the cancel ends it within the bound
        tryCompare(worker, "running", false, 5000)
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
        finished.wait(5000)
        compare(worker.running, false)
        compare(findChild(row, "status").text, "finished")
        compare(findChild(row, "percent").text, "100 %")
        compare(findChild(row, "progressBar").value, 1)
        compare(worker.result, 5 * 64)
        row.destroy()  // before its worker
    }
}
