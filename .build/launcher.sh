# Shared by the launchers (./tributary, examples/field-notes/field-notes): builds the runnable
# jars when one is missing or older than any source or build file.
#
# One Maven run builds every launcher's jar, so whichever launcher runs first builds for both.
# Tests are compiled but not run (-DskipTests, not -Dmaven.test.skip): some modules use another
# module's test jar, which must exist even when nothing is tested.

launcher_stale() {
  local jar="$1"
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$root" -path "$root/.git" -prune -o -path '*/target' -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -newer "$jar" -type f -print -quit)" ]
}

build_if_stale() {
  local name="$1" jar="$2"
  launcher_stale "$jar" || return 0
  command -v java >/dev/null || { echo "$name: Java 17 or newer is needed; install it and retry." >&2; exit 1; }
  command -v mvn >/dev/null || { echo "$name: Maven 3.8 or newer (mvn) is needed to build; install it and retry." >&2; exit 1; }
  echo "Building $name (first run, or the sources changed; a first build takes a few minutes)…" >&2
  if ! (cd "$root" && mvn -B -q --no-transfer-progress -Dstyle.color=never -DskipTests \
      -pl tributary-app,examples/field-notes -am package 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2); then
    echo "$name: the build failed; see the Maven output above." >&2
    exit 1
  fi
  [ -f "$jar" ] || { echo "$name: the build finished but $jar is missing." >&2; exit 1; }
  # The jars are current now, even where Maven left an unchanged jar with its old time (a changed
  # pom.xml, say): mark them so, or every later start would build again.
  touch "$root/tributary-app/target/tributary.jar" "$root/examples/field-notes/target/field-notes.jar"
}
