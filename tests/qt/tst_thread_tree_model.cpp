#include <QtTest>
class tst_thread_tree_model: public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_thread_tree_model)
#include "tst_thread_tree_model.moc"
