#include <QtTest>
class tst_connect: public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_connect)
#include "tst_connect.moc"
