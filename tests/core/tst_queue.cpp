#include <QtTest>
class tst_Xqueue: public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_Xqueue)
#include "tst_queue.moc"
