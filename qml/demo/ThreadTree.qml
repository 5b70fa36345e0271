// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// The live thread tree (ThreadTreeModel): one line per thread, children
// indented under their parent, each with its state and progress.
pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls.Material
import QtQml.Models
import Skein

ScrollView {
    id: view
    clip: true

    ThreadTreeModel {
        id: threads
    }

    Column {
        width: view.availableWidth
        Repeater {
            model: DelegateModel {
                model: threads
                delegate: branch
            }
        }
    }

    // A thread's line, then its children's branches, indented.
    Component {
        id: branch
        Column {
            id: node
            required property int index
            required property string name
            required property string state
            required property real progress
            required property int depth
            readonly property DelegateModel siblings: DelegateModel.model
            readonly property color stateColor: state === "running" ? "#81c784" : state === "stopping" ? "#ffb74d" : "#9e9e9e"

            Rectangle {
                objectName: "threadLine"
                readonly property string name: node.name
                readonly property int depth: node.depth
                width: view.availableWidth - node.depth * 18  // each level is indented by 18
                height: 26
                radius: 4
                color: node.state === "running" ? "transparent" : Qt.rgba(1, 0.72, 0.3, 0.12)

                Rectangle {  // the tree's guide line
                    x: -11
                    width: 1
                    height: parent.height
                    color: "#5f6368"
                    visible: node.depth > 0
                }
                Rectangle {  // the state, as a dot
                    id: dot
                    x: 4
                    anchors.verticalCenter: parent.verticalCenter
                    width: 9
                    height: 9
                    radius: 4.5
                    color: node.stateColor
                }
                Label {
                    id: label
                    anchors.left: dot.right
                    anchors.leftMargin: 8
                    anchors.verticalCenter: parent.verticalCenter
                    text: node.name
                    font.family: "monospace"
                    font.pixelSize: 13
                    font.bold: node.depth <= 1
                }
                Label {
                    anchors.left: label.right
                    anchors.leftMargin: 8
                    anchors.verticalCenter: parent.verticalCenter
                    text: node.state
                    color: node.stateColor
                    font.pixelSize: 11
                }
                Rectangle {  // progress, as a small bar
                    anchors.right: percent.left
                    anchors.rightMargin: 6
                    anchors.verticalCenter: parent.verticalCenter
                    width: 60
                    height: 4
                    radius: 2
                    color: "#3c4043"
                    visible: node.progress > 0
                    Rectangle {
                        width: parent.width * Math.min(1, node.progress)
                        height: parent.height
                        radius: 2
                        color: node.stateColor
                    }
                }
                Label {
                    id: percent
                    anchors.right: parent.right
                    anchors.rightMargin: 8
                    anchors.verticalCenter: parent.verticalCenter
                    width: 40
                    horizontalAlignment: Text.AlignRight
                    text: node.progress > 0 ? Math.round(node.progress * 100) + " %" : ""
                    opacity: 0.7
                    font.pixelSize: 11
                }
            }
            Item {  // the children, indented
                x: 18
                width: kids.width
                height: kids.height
                Column {
                    id: kids
                    Repeater {
                        model: DelegateModel {
                            model: threads
                            rootIndex: node.siblings.modelIndex(node.index)
                            delegate: branch
                        }
                    }
                }
            }
        }
    }
}
