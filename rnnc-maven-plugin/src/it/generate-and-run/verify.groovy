def main = new File(basedir, 'target/generated-sources/rnn/it/rnnc/models/SignOfSum.java')
def test = new File(basedir, 'target/generated-test-sources/rnn/it/rnnc/testmodels/Echo.java')
assert main.isFile() : "missing $main"
assert test.isFile() : "missing $test"
assert new File(basedir, 'target/classes/it/rnnc/models/SignOfSum.class').isFile()
assert !new File(basedir, 'target/classes/it/rnnc/testmodels/Echo.class').exists() : 'test model leaked into main classes'
def log = new File(basedir, 'build.log').text
assert log.contains('rnnc: 1 spec in src/main/rnn: 1 generated, 0 up to date, 0 removed')
assert log.contains('rnnc: 1 spec in src/test/rnn: 1 generated, 0 up to date, 0 removed')
assert log.contains('Tests run: 2, Failures: 0, Errors: 0')
assert log.contains('IT-LOSS')
return true
