#include <QtTest>
class tst_Xtill_shutdown: public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_Xtill_shutdown)
#include "tst_till_shutdown.moc"
