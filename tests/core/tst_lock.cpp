#include <QtTest>
class tst_Xlock: public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_Xlock)
#include "tst_lock.moc"
