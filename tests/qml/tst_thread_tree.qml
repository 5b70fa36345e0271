// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import SkeinDemo

TestCase {
    name: "ThreadTree"
    width: 600
    height: 400
    visible: true
    when: windowShown

    // How long a check waits for what must come before it calls it a hang:
    // a guard only, never a claim about speed (a loaded machine may be slow).
    readonly property int hangGuard: 60000

    Component {
        id: treeComponent
        ThreadTree {
            anchors.fill: parent
        }
    }
    Component {
        id: primes
        PrimeCounter { limit: 200000000 }  // runs until cancelled
    }

    // The lines the tree view shows, top to bottom, each as "<depth>:<name>".
    function shownLines(item, out) {
        for (let i = 0; i < item.children.length; ++i) {
            const child = item.children[i]
            if (child.objectName === "threadLine" && child.visible)
                out.push(child.depth + ":" + child.name)
            shownLines(child, out)
        }
        return out
    }

    Component {
        id: processLines
        ProcessLines { lines: 100000 }  // 80 min, far beyond hangGuard: runs until cancelled
    }

    function test_aProcessWorkersProcessAppearsUnderIt() {
        const tree = createTemporaryObject(treeComponent, this)
        const worker = createTemporaryObject(processLines, this)
        worker.start()
        tryVerify(() => {
            const shown = shownLines(tree, [])
            const at = shown.indexOf("1:" + worker.name)
            return at >= 0 && shown[at + 1] === "2:sh"
        }, hangGuard, "the worker, and its process's thread right under it")
        worker.requestStop()
        tryCompare(worker, "running", false, hangGuard)
        tryVerify(() => shownLines(tree, []).indexOf("2:sh") < 0, hangGuard, "the process's thread goes with it")
    }

    function test_aWorkersChildThreadsAppearUnderItInTheTreeView() {
        const tree = createTemporaryObject(treeComponent, this)
        const worker = createTemporaryObject(primes, this)
        worker.start()
        tryVerify(() => {
            const shown = shownLines(tree, [])
            const at = shown.indexOf("1:" + worker.name)
            return at >= 0 && shown[at + 1] === "2:part-1" && shown[at + 2] === "2:part-2"
        }, hangGuard, "the worker, and right under it its two parts, one level deeper")
        worker.requestStop()
        tryCompare(worker, "running", false, hangGuard)
        tryVerify(() => shownLines(tree, []).indexOf("1:" + worker.name) < 0, hangGuard,
                  "the worker's line goes once it has stopped")
    }
}
