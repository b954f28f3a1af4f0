def gen = new File(basedir, 'target/generated-sources/rnn/it/inc')
def log = new File(basedir, 'build.log').text
def summaries = log.readLines().findAll { it.contains('rnnc: ') && it.contains(' in src/main/rnn: ') }
println summaries.join('\n')
assert summaries.size() == 3 : summaries
assert summaries[0].endsWith('rnnc: 3 specs in src/main/rnn: 3 generated, 0 up to date, 0 removed; 4 files written, 0 deleted')
assert summaries[1].endsWith('rnnc: 3 specs in src/main/rnn: 0 generated, 3 up to date, 0 removed; 0 files written, 0 deleted')
assert summaries[2].endsWith('rnnc: 2 specs in src/main/rnn: 1 generated, 1 up to date, 1 removed; 1 files written, 1 deleted')
// the no-op build left the sources' timestamps alone, so javac had nothing to do
def runs = log.split('rnnc: 3 specs in src/main/rnn: 0 generated')
assert runs.size() == 2
assert runs[1].substring(0, runs[1].indexOf('rnnc: 2 specs')).contains('Nothing to compile')
assert new File(gen, 'TwoA.java').text.contains('lstm 7')
assert !new File(gen, 'Three.java').exists() : 'a deleted spec leaves no class behind'
assert new File(gen, 'One.java').lastModified() < new File(gen, 'TwoA.java').lastModified()
assert new File(gen, 'TwoB.java').lastModified() < new File(gen, 'TwoA.java').lastModified() : 'unchanged TwoB was rewritten'
assert new File(basedir, 'target/classes/it/inc/TwoA.class').isFile()
return true
