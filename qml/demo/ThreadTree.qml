// The live thread tree (ThreadTreeModel): one line per thread, children
// indented under their parent, each with its state and progress.
import QtQuick
import QtQuick.Controls
import QtQml.Models
import Skein

ScrollView {
    id: view
    clip: true

    ThreadTreeModel {
        id: threads
        refreshInterval: 100
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

            Rectangle {
                objectName: "threadLine"
                readonly property string name: node.name
                readonly property int depth: node.depth
                width: view.availableWidth - node.x
                height: 24
                color: node.state === "running" ? "transparent" : "#fff3e0"
                Label {
                    x: 8
                    anchors.verticalCenter: parent.verticalCenter
                    text: node.name + "   " + node.state
                          + (node.progress > 0 ? "   " + Math.round(node.progress * 100) + " %" : "")
                    font.family: "monospace"
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
