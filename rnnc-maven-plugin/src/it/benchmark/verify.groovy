import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermissions

def gen = new File(basedir, 'target/generated-sources/rnn/it/bench')
def model = new File(gen, 'Tiny.java')
def bench = new File(gen, 'TinyBenchmark.java')
assert model.isFile() : "missing $model"
assert bench.isFile() : "missing $bench"
assert bench.text.contains('public class TinyBenchmark') && bench.text.contains('private Tiny model;')
// written through the driver's atomic writer: readable by all, not a temporary file's 0600
assert PosixFilePermissions.toString(Files.getPosixFilePermissions(model.toPath())) == 'rw-r--r--'
def log = new File(basedir, 'build.log').text
assert log.contains('rnnc: 1 spec in src/main/rnn: 1 generated, 0 up to date, 0 removed; 2 files written, 0 deleted')
// generation only writes source: no kernel is initialised, so no Vector API or incubator warning
assert !log.contains('incubator') : log
assert !log.contains('Vector API') : log
return true
