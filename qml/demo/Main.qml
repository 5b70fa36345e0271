// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein's progress demo: workers of three kinds with live progress and a
// Cancel that takes effect at once, the live thread tree, and a window that
// closes at once however busy the workers are.
pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls.Material
import QtQuick.Layouts
import Skein
import SkeinDemo

ApplicationWindow {
    id: window
    width: 1000
    height: 600
    visible: true
    title: "Skein — progress demo"

    Material.theme: Material.Dark
    Material.accent: "#64b5f6"
    Material.primary: "#1f2023"
    Material.background: "#202124"

    // Set by the C++ main: a scripted run (no display), where to save a
    // screenshot, how many CPU-bound workers to start at once.
    property bool scripted: false
    property string screenshotPath: ""
    property int busyWorkers: 0

    property var workers: []
    // Time limits by worker name: Tills that cancel their worker.
    property var deadlines: ({})
    property int nextKind: 0
    readonly property int runningCount: workers.filter(w => w.running).length

    Component { id: primeKind; PrimeCounter {} }
    Component { id: downloadKind; Download {} }
    Component { id: processKind; ProcessLines {} }
    Component {
        id: deadlineKind
        Till {
            required property DemoWorker worker
            onFired: {
                if (!worker.running || worker.stopRequested)
                    return
                DemoLog.print("time limit: cancel " + worker.name)
                worker.requestStop()
            }
        }
    }

    // A worker of `kind`, started; with a time limit of `seconds` if given.
    function addWorker(kind, properties, seconds) {
        const worker = [primeKind, downloadKind, processKind][kind % 3].createObject(window, properties || {})
        if (seconds > 0) {
            const limits = Object.assign({}, deadlines)
            limits[worker.name] = deadlineKind.createObject(window, { worker: worker, seconds: seconds })
            deadlines = limits
        }
        workers = workers.concat([worker])
        worker.start()
        return worker
    }
    function cancelAll() {
        for (const w of workers)
            w.requestStop()
    }
    // As WorkerRow says it, without a failure's message.
    function statusOf(w) {
        return w.running ? (w.stopRequested ? "cancelling" : "running")
             : w.error !== "" ? "failed" : w.stopRequested ? "cancelled"
             : w.progress > 0 || w.result !== undefined ? "finished" : "ready"
    }
    function report() {
        DemoLog.print(workers.map(w => w.name + " " + Math.round(w.progress * 100) + "% " + statusOf(w)).join(" · "))
    }

    onClosing: DemoLog.print("window closing with " + runningCount + " workers running: stopping every thread, children first")

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 16
            anchors.rightMargin: 8
            spacing: 8
            Label {
                text: "Skein"
                font.pixelSize: 20
                font.bold: true
            }
            Label {
                text: "threads with a name, a parent and pleaseStop"
                opacity: 0.6
                Layout.fillWidth: true
            }
            Label {
                text: window.runningCount + " of " + window.workers.length + " workers running"
                opacity: 0.8
                Layout.rightMargin: 8
            }
            Button {
                objectName: "addWorker"
                text: "Add worker"
                highlighted: true
                onClicked: window.addWorker(window.nextKind++)
            }
            Button {
                objectName: "cancelAll"
                text: "Cancel all"
                enabled: window.runningCount > 0
                onClicked: window.cancelAll()
            }
        }
    }

    footer: Label {
        padding: 8
        leftPadding: 16
        text: "Cancel stops a worker and its child threads at once · closing the window stops every thread, children first"
        opacity: 0.55
        font.pixelSize: 12
    }

    SplitView {
        anchors.fill: parent
        handle: Rectangle {
            implicitWidth: 3
            color: "#303134"
        }

        ListView {
            id: list
            SplitView.preferredWidth: 600
            clip: true
            spacing: 8
            topMargin: 10
            bottomMargin: 10
            leftMargin: 10
            rightMargin: 10
            model: window.workers
            delegate: WorkerRow {
                required property var modelData
                worker: modelData
                deadline: window.deadlines[modelData.name] ?? null
                width: list.width - list.leftMargin - list.rightMargin
            }
            Label {
                anchors.centerIn: parent
                visible: window.workers.length === 0
                text: "Add a worker to start"
                opacity: 0.5
            }
        }
        Pane {
            SplitView.fillWidth: true
            padding: 10
            Material.background: "#26282c"
            ColumnLayout {
                anchors.fill: parent
                Label {
                    text: "Thread tree (live)"
                    font.bold: true
                    opacity: 0.8
                }
                ThreadTree {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                }
            }
        }
    }

    // The scripted run: start workers of every kind, one with a time limit
    // that cancels it, save a screenshot while the others work (one has
    // finished already), let the rest finish, print progress as it goes,
    // quit.
    Timer {
        id: reporter
        interval: 250
        repeat: true
        running: window.scripted
        onTriggered: window.report()
    }
    Timer {
        id: script
        property int step: 0
        interval: 200
        repeat: true
        running: window.scripted
        onTriggered: {
            ++step
            if (step === 1) {
                window.addWorker(0, { limit: 5000000 })
                window.addWorker(1)
                window.addWorker(2)
                window.addWorker(0, { limit: 200000000 }, 1)  // its time limit cancels it
                window.addWorker(1, { chunks: 10 })       // finishes early
                window.addWorker(2, { lines: 45 })
                window.nextKind = 6
            } else if (step === 7 && window.screenshotPath !== "") {
                // mid-run: running, cancelled and finished rows, the tree full
                const saved = DemoLog.saveScreenshot(window, window.screenshotPath)
                DemoLog.print((saved ? "screenshot " : "could not save a screenshot to ") + window.screenshotPath)
            } else if (step > 7 && window.runningCount === 0) {
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
                DemoLog.print(w.name + " " + Math.round(w.progress * 100) + "% " + window.statusOf(w)
                              + (w.error !== "" ? ": " + w.error : ""))
            Qt.quit()
        }
    }
    Component.onCompleted: {
        for (let i = 0; i < busyWorkers; ++i)
            addWorker(0, { limit: 2000000000 })  // busy until stopped
    }
}
