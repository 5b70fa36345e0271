// One worker: its name, a progress bar, what it is doing, and Cancel.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Skein

Frame {
    id: row
    required property ThreadAdaptor worker

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

    RowLayout {
        anchors.fill: parent
        spacing: 12

        Label {
            text: row.worker.name
            font.bold: true
            Layout.preferredWidth: 110
        }
        ProgressBar {
            objectName: "progressBar"
            value: row.worker.progress
            Layout.fillWidth: true
        }
        Label {
            objectName: "percent"
            text: Math.round(row.worker.progress * 100) + " %"
            Layout.preferredWidth: 48
            horizontalAlignment: Text.AlignRight
        }
        Label {
            objectName: "status"
            text: row.status
            color: row.status.startsWith("failed") ? "firebrick"
                 : row.status === "cancelled" ? "darkorange"
                 : row.status === "finished" ? "seagreen" : palette.windowText
            Layout.preferredWidth: 90
        }
        Label {
            text: row.worker.progressText
            elide: Text.ElideRight
            Layout.preferredWidth: 110
        }
        Button {
            objectName: "cancel"
            text: "Cancel"
            enabled: row.worker.running && !row.worker.stopRequested
            onClicked: row.worker.requestStop()
        }
    }
}
