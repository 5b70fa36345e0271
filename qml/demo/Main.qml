// Skein's progress demo: workers of three kinds with live progress and a
// Cancel that takes effect at once, the live thread tree, and a window that
// closes at once however busy the workers are.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Skein
import SkeinDemo

ApplicationWindow {
    id: window
    width: 1000
    height: 600
    visible: true
    title: "Skein — progress demo"

    // Set by the C++ main: a scripted run (no display), where to save a
    // screenshot, how many CPU-bound workers to start at once.
    property bool scripted: false
    property string screenshotPath: ""
    property int busyWorkers: 0

    property var workers: []
    property int nextKind: 0

    Component { id: primeKind; PrimeCounter {} }
    Component { id: downloadKind; Download {} }
    Component { id: processKind; ProcessLines {} }

    function addWorker(kind) {
        const worker = [primeKind, downloadKind, processKind][kind % 3].createObject(window)
        workers = workers.concat([worker])
        worker.start()
        return worker
    }
    function cancelAll() {
        for (const w of workers)
            w.requestStop()
    }
    function anyRunning() {
        return workers.some(w => w.running)
    }

    onClosing: DemoLog.print("window closing: stopping every thread, children first")

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.margins: 4
            Button {
                objectName: "addWorker"
                text: "Add worker"
                onClicked: window.addWorker(window.nextKind++)
            }
            Button {
                objectName: "cancelAll"
                text: "Cancel all"
                enabled: window.anyRunning()
                onClicked: window.cancelAll()
            }
            Label {
                text: "CPU-bound primes · a download paced by a Till · a child process streaming lines"
                elide: Text.ElideRight
                Layout.fillWidth: true
                Layout.leftMargin: 12
            }
        }
    }

    SplitView {
        anchors.fill: parent

        ListView {
            id: list
            SplitView.preferredWidth: 620
            clip: true
            spacing: 4
            model: window.workers
            delegate: WorkerRow {
                required property var modelData
                worker: modelData
                width: list.width
            }
        }
        ThreadTree {
            SplitView.fillWidth: true
        }
    }

    // The scripted run: start workers, save a screenshot while they work,
    // cancel one, let the rest finish, print progress as it goes, quit.
    Timer {
        id: reporter
        interval: 250
        repeat: true
        running: window.scripted
        onTriggered: {
            for (const w of window.workers)
                DemoLog.print(w.name + " " + Math.round(w.progress * 100) + "% " + (w.running ? "running" : "done"))
        }
    }
    Timer {
        id: script
        property int step: 0
        interval: 400
        repeat: true
        running: window.scripted
        onTriggered: {
            ++step
            if (step === 1) {
                for (let k = 0; k < 4; ++k)
                    window.addWorker(window.nextKind++)
            } else if (step === 3 && window.screenshotPath !== "") {
                // mid-run, with every worker busy and the tree at its fullest
                const saved = DemoLog.saveScreenshot(window, window.screenshotPath)
                DemoLog.print((saved ? "screenshot " : "could not save a screenshot to ") + window.screenshotPath)
            } else if (step === 4) {
                DemoLog.print("cancel " + window.workers[1].name)
                window.workers[1].requestStop()
            } else if (step > 4 && !window.anyRunning()) {
                running = false
                reporter.running = false
                finish.start()
            }
        }
    }
    Timer {
        id: finish
        interval: 300  // one more tree refresh: the finished threads have left
        onTriggered: {
            for (const w of window.workers)
                DemoLog.print(w.name + " " + Math.round(w.progress * 100) + "% "
                              + (w.error !== "" ? "failed" : w.stopRequested ? "cancelled" : "finished"))
            Qt.quit()
        }
    }
    Component.onCompleted: {
        for (let i = 0; i < busyWorkers; ++i)
            addWorker(0)
    }
}
