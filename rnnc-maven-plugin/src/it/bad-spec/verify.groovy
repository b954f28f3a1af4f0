def log = new File(basedir, 'build.log').text
def spec = new File(basedir, 'src/main/rnn/bad.rnn').canonicalPath
def lines = log.readLines()
// the head line, as IDE consoles link it, then the source line, the caret and the hint
def head = lines.findIndexOf { it == "[ERROR] ${spec}:6:5: error: unknown cell 'lstn'" }
assert head >= 0 : log
assert lines[head + 1] == '[ERROR]     lstn 128'
assert lines[head + 2] == '[ERROR]     ^~~~'
assert lines[head + 3] == "[ERROR] hint: did you mean 'lstm'?"
assert lines.any { it.startsWith('[WARNING] ' + new File(basedir, 'src/main/rnn/warned.rnn').canonicalPath + ':2:') && it.contains(': warning: ') }
assert log.contains('rnnc: 2 errors in the specs in src/main/rnn (listed above)')
assert log.contains('BUILD FAILURE')
// the good spec (with a warning only) was still generated
assert new File(basedir, 'target/generated-sources/rnn/it/bad/Warned.java').isFile()
assert !new File(basedir, 'target/generated-sources/rnn/it/bad/Bad.java').exists()
return true
