// The README's pom (ReadmePomTest checks this pom is the README's, verbatim) builds a project on stock Maven.
def generated = new File(basedir, 'target/generated-sources/rnn/com/example/Xor.java')
assert generated.isFile() : "missing $generated"
assert new File(basedir, 'target/classes/com/example/Xor.class').isFile()
assert new File(basedir, 'target/classes/com/example/Main.class').isFile()
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert !log.contains('Source option 5') && !log.contains('Target option 5')
assert !log.contains('incubator') : 'the build prints no Vector API warning'
// generated files get normal permissions
def perms = java.nio.file.Files.getPosixFilePermissions(generated.toPath())
assert perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ) : "generated file is $perms"
return true
