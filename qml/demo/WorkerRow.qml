// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// One worker: what it is, a progress bar with its halfway mark, what it is
// doing, its time limit if it has one, and Cancel.
import QtQuick
import QtQuick.Controls.Material
import QtQuick.Layouts
import Skein
import SkeinDemo

Pane {
    id: row
    required property DemoWorker worker
    // The Till that cancels the worker when it fires (Main.qml makes it), or
    // null for a worker without a time limit.
    property Till deadline: null

    // running / cancelling / finished / cancelled / failed: <message>
    readonly property string status: {
        if (worker.running)
            return worker.stopRequested ? "cancelling" : "running"
        if (worker.error !== "")
            return "failed: " + worker.error
        if (worker.stopRequested)
            return "cancelled"
        return worker.progress > 0 || worker.result !== undefined ? "finished" : "ready"
    }
    // The kind is the first part of the worker's name: primes-1, download-2 …
    readonly property string kind: worker.name.split("-")[0]
    readonly property color kindColor: kind === "primes" ? "#b39ddb" : kind === "download" ? "#80cbc4" : "#ffcc80"
    readonly property color statusColor: status.startsWith("failed") ? "#ef5350"
                                       : status === "cancelled" ? "#ffb74d"
                                       : status === "finished" ? "#81c784"
                                       : status === "running" ? Material.accent : "#9e9e9e"

    padding: 10
    topPadding: 6
    bottomPadding: 10
    Material.elevation: 2
    Material.background: "#2b2d31"

    // Follows the worker's halfway Signal: fired once its progress reached
    // one half (at once, for a row made later).
    SignalAdaptor {
        id: halfway
        objectName: "halfway"
        onFired: DemoLog.print(row.worker.name + " halfway")
    }
    Component.onCompleted: row.worker.adaptHalfway(halfway)

    ColumnLayout {
        anchors.fill: parent
        spacing: 4

        RowLayout {
            spacing: 12
            Layout.fillWidth: true

            Rectangle {  // the kind, as a badge
                width: 30
                height: 30
                radius: 15
                color: row.kindColor
                Label {
                    anchors.centerIn: parent
                    text: row.kind === "primes" ? "π" : row.kind === "download" ? "↓" : "$"
                    color: "#202124"
                    font.bold: true
                    font.pixelSize: 16
                }
            }
            ColumnLayout {
                spacing: 0
                Layout.fillWidth: true
                Label {
                    text: row.worker.name
                    font.bold: true
                    font.pixelSize: 15
                    Layout.fillWidth: true
                }
                Label {
                    text: row.kind === "primes" ? "CPU-bound · counts primes on 3 threads"
                        : row.kind === "download" ? "a download, paced by a Till"
                        : "a child process, its lines through a Queue"
                    opacity: 0.6
                    font.pixelSize: 12
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
            }
            Rectangle {  // the time limit, as a chip
                objectName: "timeLimit"
                readonly property bool timeIsUp: row.deadline !== null && row.deadline.fired
                visible: row.deadline !== null
                implicitWidth: limitLabel.implicitWidth + 20
                implicitHeight: 24
                radius: 12
                color: timeIsUp ? Qt.rgba(0.94, 0.33, 0.31, 0.18) : "transparent"
                border.color: timeIsUp ? "#ef5350" : "#5f6368"
                Label {
                    id: limitLabel
                    objectName: "timeLimitText"
                    anchors.centerIn: parent
                    text: row.deadline === null ? "" : parent.timeIsUp ? "time's up" : "limit " + row.deadline.seconds + " s"
                    color: parent.timeIsUp ? "#ef5350" : "#9e9e9e"
                    font.pixelSize: 12
                    font.bold: parent.timeIsUp
                }
            }
            Rectangle {  // the status, as a chip
                implicitWidth: statusLabel.implicitWidth + 20
                implicitHeight: 24
                radius: 12
                color: Qt.rgba(row.statusColor.r, row.statusColor.g, row.statusColor.b, 0.18)
                border.color: row.statusColor
                Layout.maximumWidth: 220
                Label {
                    id: statusLabel
                    objectName: "status"
                    anchors.centerIn: parent
                    width: Math.min(implicitWidth, 200)
                    text: row.status
                    elide: Text.ElideRight
                    color: row.statusColor
                    font.pixelSize: 12
                    font.bold: true
                }
            }
            Button {
                objectName: "cancel"
                text: "Cancel"
                flat: true
                enabled: row.worker.running && !row.worker.stopRequested
                onClicked: row.worker.requestStop()
                topInset: 0
                bottomInset: 0
                Layout.preferredHeight: 34
            }
        }

        RowLayout {
            spacing: 12
            Layout.fillWidth: true

            ProgressBar {
                id: bar
                objectName: "progressBar"
                value: row.worker.progress
                Layout.fillWidth: true
                background: Rectangle {
                    implicitHeight: 10
                    radius: 5
                    color: "#3c4043"
                }
                contentItem: Item {
                    implicitHeight: 10
                    Rectangle {
                        width: bar.visualPosition * parent.width
                        height: parent.height
                        radius: 5
                        gradient: Gradient {
                            orientation: Gradient.Horizontal
                            GradientStop { position: 0; color: Qt.darker(row.statusColor, 1.4) }
                            GradientStop { position: 1; color: row.statusColor }
                        }
                    }
                    Rectangle {  // the halfway mark, lit by the worker's halfway Signal
                        objectName: "halfwayMark"
                        x: parent.width / 2 - 1
                        y: -3
                        width: 2
                        height: parent.height + 6
                        radius: 1
                        color: halfway.fired ? "#fff59d" : "#5f6368"
                    }
                }
            }
            Label {
                objectName: "percent"
                text: Math.round(row.worker.progress * 100) + " %"
                font.bold: true
                horizontalAlignment: Text.AlignRight
                Layout.preferredWidth: 46
            }
            Label {
                text: row.worker.progressText
                elide: Text.ElideRight
                opacity: 0.7
                font.pixelSize: 12
                Layout.preferredWidth: 165
            }
        }
    }
}
