#include <QtTest>
class tst_Xcomposite: public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_Xcomposite)
#include "tst_composite.moc"
