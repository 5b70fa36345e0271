#include <QtTest>
class tst_Xsignal: public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_Xsignal)
#include "tst_signal.moc"
