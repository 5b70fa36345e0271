import QtQuick
import QtTest
import Skein
import SkeinDemo

TestCase {
    name: "ThreadTree"
    width: 600
    height: 400
    visible: true
    when: windowShown

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

    // The labels the tree view shows, top to bottom, each as "<indent>name".
    function shownLines(item, out, depth) {
        for (let i = 0; i < item.children.length; ++i) {
            const child = item.children[i]
            if (child.objectName === "threadLine" && child.visible)
                out.push(child.depth + ":" + child.name)
            shownLines(child, out, depth)
        }
        return out
    }

    function test_aWorkersChildThreadsAppearUnderItInTheTreeView() {
        const tree = createTemporaryObject(treeComponent, this)
        const worker = createTemporaryObject(primes, this)
        worker.start()
        const prefix = "main/" + worker.name + "/"
        // The model: the worker's row has its two parts as children.
        tryVerify(() => {
            const lines = shownLines(tree, [], 0)
            return lines.indexOf("1:" + worker.name) >= 0
                && lines.indexOf("2:part-1") >= 0 && lines.indexOf("2:part-2") >= 0
        }, 5000, "the worker and its two parts are shown, the parts one level deeper")
        const lines = shownLines(tree, [], 0)
        verify(lines.indexOf("2:part-1") > lines.indexOf("1:" + worker.name), "part-1 comes under its worker")
        worker.requestStop()
        tryCompare(worker, "running", false, 5000)
        tryVerify(() => shownLines(tree, [], 0).indexOf("1:" + worker.name) < 0, 5000,
                  "the worker's line goes once it has stopped")
    }
}
