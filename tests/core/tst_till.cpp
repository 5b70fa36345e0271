#include <QtTest>
class tst_Xtill: public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_Xtill)
#include "tst_till.moc"
