# Distributed under the MIT License. See LICENSE in the MultiArchImage sources.

#[=======================================================================[.rst:
MultiArchImage
--------------

Build one container image for several CPU architectures with Docker Buildx,
push it to a registry as one tag holding a manifest index, verify what the
registry holds, test every architecture's variant with CTest, and move a
release tag only after every variant passed.

.. code-block:: cmake

  find_package(MultiArchImage 0.1 REQUIRED)

  add_multiarch_image(hello-image
    REPOSITORY registry.example.com/team/hello
    PLATFORMS  linux/amd64 linux/arm64 linux/arm/v7
    TAGS       ${PROJECT_VERSION}-rc
    PROMOTE_TAGS ${PROJECT_VERSION} latest)

  add_multiarch_smoke_test(hello-image
    COMMAND --version
    EXPECT_OUTPUT "hello ${PROJECT_VERSION} @PLATFORM@")

Then ``cmake --build build --target image`` builds and pushes every image,
``ctest --test-dir build -L multiarch`` starts every pushed variant, and
``cmake --build build --target image-promote`` moves the release tags
(with ``SIGN_KEY``, after cosign signed the tested digest; ``ctest
--test-dir build -L signature`` then verifies the signature).

Configuring needs no Docker daemon: arguments are checked when CMake runs,
Docker, Buildx, the builder and the registry when the targets build.  A
value of a keyword that takes several (``BUILD_ARGS``, ``LABELS``,
``COMMAND``, ``DRIVER_OPTS``, ...) must hold as many ``[`` as ``]``: in a
CMake list an unmatched bracket joins a value with the ones after it, so
such a value is refused, named, when CMake runs.

.. command:: add_multiarch_image

  Declare a multi-platform image built by ``docker buildx build``::

    add_multiarch_image(<name>
      REPOSITORY <host[:port]/path>
      PLATFORMS <os/arch[/variant]>...
      [TAGS <tag>...]
      [PROMOTE_TAGS <tag>...]
      [DOCKERFILE <file>]
      [CONTEXT <dir>]
      [BUILD_ARGS <KEY=VALUE>...]
      [LABELS <KEY=VALUE>...]
      [ANNOTATIONS [index:|manifest:|manifest[<platform>]:]<key>=<value>...]
      [VERSION <version>] [LICENSES <SPDX expression>] [METADATA ON|OFF]
      [SECRETS id=<id>,src=<file> | id=<id>,env=<VAR> ...]
      [DEPENDS <target-or-file>...]
      [BUILDER <name>]
      [PORTABILITY_CHECK ERROR|WARN|OFF]
      [PORTABILITY_ALLOW <rule>[:<glob>]...]
      [SIGN_KEY <key file or KMS URI>] [VERIFY_KEY <public key file or KMS URI>]
      [SIGN_RECURSIVE ON|OFF]
      [REPRODUCIBLE ON|OFF]
      [ATTESTATIONS [provenance=off|min|max] [sbom=off|<generator image>]]
      [CACHE registry [REF <ref>] | local <dir> | off]
      [ARTIFACTS <target>...]
      [INSTALL [COMPONENTS <component>...] [PREFIX <dir>]]
        [DESTINATION <dir>]
        [RUNTIME_LIBRARIES STATIC | COLLECT | NONE]
        [TOOLCHAINS <platform>=<toolchain-file>...]
    )

  Creates the target ``<name>``, which builds the image for every platform
  and pushes it as one manifest index, and adds it to the target ``image``
  that builds every image of the project.  The build goes in this order,
  and stops at the first failure with nothing tagged:

  1. The Dockerfile and context exist, Buildx is present, the builder
     exists (one declared with :command:`add_multiarch_builder` is created
     first) and can build every declared platform (``docker buildx inspect
     --bootstrap``; for a docker-container builder whose nodes run on this
     host's Docker, the last build's inspection while the builder's record,
     its BuildKit containers, the host's binfmt_misc emulators and Buildx
     are unchanged), its driver can push an index by digest (the ``docker``
     driver of the engine's own ``default`` builder cannot: refused with
     the ``docker buildx create ... --driver docker-container`` to run
     instead), each docker-container node has ``network=host`` when
     ``REPOSITORY`` or a ``FROM`` image of the Dockerfile is on a registry
     on this host's loopback (``localhost``, ``127.0.0.0/8``, ``::1``;
     otherwise that is the BuildKit container itself), and the registry
     answers.  Then the context check of the `portability checks`_ (unless
     ``PORTABILITY_CHECK OFF``), whose walk of the context also lists, for
     the next build's up-to-date check, what the build sends.
  2. ``docker buildx build --platform <list>`` pushes the index *by digest*,
     with no tag.
  3. The index is read back from the registry; its platforms must equal
     ``PLATFORMS`` (attestation entries, ``unknown/unknown``, are ignored).
  4. Only then every tag of ``TAGS`` is set to that digest
     (``docker buildx imagetools create``), and
     ``${CMAKE_CURRENT_BINARY_DIR}/<name>.image.json`` is written::

       {"repository": "...", "tags": ["..."], "digest": "sha256:<index>",
        "platforms": {"linux/arm64": "sha256:<manifest>", ...},
        "version": "1.4.0", "promote_tags": ["1.4.0", "1.4", "1", "latest"],
        "promote_aliases": ["1.4", "1", "latest"],
        "labels": {"org.opencontainers.image.title": "...", ...},
        "annotations": {"index": {...}, "manifests": {"linux/arm64": {...}, ...}}}

     Smoke tests, promotion, signing and deploy steps read this file.
     ``labels`` and ``annotations`` are as pushed; ``promote_tags`` are the
     ``PROMOTE_TAGS`` resolved for this build's version and commit.

     Before step 1, the `release metadata`_ is read (git, the version, the
     epoch) and every tag of ``TAGS`` and ``PROMOTE_TAGS`` resolved and
     checked: a tag that resolves to nothing valid stops the build, naming
     the placeholder and its value, before anything is pushed.  The same
     step writes ``${CMAKE_CURRENT_BINARY_DIR}/<name>.bake.json``, a
     ``docker buildx bake`` file of the exact build (see `release
     metadata`_).  With ``-DMULTIARCH_DRY_RUN=ON`` when CMake runs, the
     target runs the read-only checks, writes the Bake file and prints the
     ``docker buildx build`` and ``docker buildx imagetools create``
     commands it would run, as ``multiarch: would run: [...]`` (a JSON array
     of the arguments), and runs neither: nothing is built, pushed or
     tagged, and no builder is created or changed (``docker buildx inspect
     --bootstrap`` still starts a stopped builder).  The cache keeps the
     value: configure with ``-DMULTIARCH_DRY_RUN=OFF`` to build for real.

  ``REPOSITORY``
    Required.  ``host[:port]/path`` as in ``docker push``, lowercase path
    components, no scheme and no tag, e.g. ``registry.example.com/team/app``
    or ``127.0.0.1:5000/hello``.  Credentials come from ``docker login``;
    they are never passed through CMake.

  ``PLATFORMS``
    Required.  ``os/arch[/variant]`` for each variant.  ``linux/arm64/v8``
    is taken as ``linux/arm64``, ``linux/arm`` as ``linux/arm/v7``,
    ``x86_64`` and ``aarch64`` as ``amd64`` and ``arm64``.  The same
    platform twice (after that normalisation) is an error.  Known
    architectures: ``amd64 arm64 arm (v5, v6, v7) 386 ppc64le s390x
    riscv64 mips64le loong64``.

  ``TAGS``
    The tags pushed by ``<name>``.  Default: the version (``VERSION``, else
    ``MULTIARCH_VERSION``, else ``${PROJECT_VERSION}``); with none,
    configuring fails.  A tag matches ``[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}``
    once its placeholders are resolved, which happens each time the image
    target runs, not when CMake runs:

    ``@VERSION@``, ``@MAJOR@``, ``@MINOR@``, ``@PATCH@``
      The version and its parts (a missing part is ``0``; a leading ``v``
      is dropped).
    ``@GIT_SHA@``
      The first 7 characters of the commit of the source tree's ``HEAD``
      (the source folder of the ``add_multiarch_image`` call).  An error
      outside git.
    ``@GIT_BRANCH@``
      The checked-out branch, ``/`` turned into ``-``.  An error on a
      detached ``HEAD`` and outside git.
    ``SEMVER``
      A tag set, as docker/metadata-action's ``type=semver`` with
      ``flavor: latest=auto``: for 1.4.0 the tags ``1.4.0``, ``1.4``,
      ``1`` and ``latest``.  A pre-release (``1.4.0-rc.1``) gets its full
      version only; a ``0.y.z`` version no tag ``0``.  The aliases
      (``latest``, ``1``, ``1.4``) never move backwards: when the
      repository's tag list (``/v2/<path>/tags/list``) holds a higher
      release ``X.Y.Z`` of an alias's family, that alias stays where it
      is, and the step says so.  Needs a version ``MAJOR.MINOR.PATCH``.

    The image target's depfile lists git's ``HEAD`` and the branch it
    names, so a new commit builds and pushes again without reconfiguring.

  ``VERSION``
    The image's version, for the placeholders, ``SEMVER`` and the label
    ``org.opencontainers.image.version``; with a pre-release part, which
    ``project(VERSION)`` cannot hold, e.g. ``VERSION 1.4.0-rc.1``.
    Default: the cache variable ``MULTIARCH_VERSION``, else
    ``PROJECT_VERSION``.  ``MAJOR[.MINOR[.PATCH[.TWEAK]]][-pre][+build]``.

  ``PROMOTE_TAGS``
    Release tags, moved by the target ``<name>-promote`` (and ``image-promote``
    for every image) to the index in ``<name>.image.json`` without a rebuild,
    only after every test that :command:`add_multiarch_smoke_test` declared
    for the image passed against that very digest, and every platform of the
    image was tested, and every audit test of the `portability checks`_
    passed as well.  Otherwise promotion lists the platforms that failed or
    were not run and moves no tag.  Placeholders and ``SEMVER`` as for
    ``TAGS``: resolved when the image builds (and checked then, before
    anything is pushed), so promotion moves the tags of the version and
    commit that were built and tested; ``SEMVER``'s aliases are checked
    against the registry's tag list again when promoting.  A tag may not
    result from both ``TAGS`` and ``PROMOTE_TAGS``: with ``PROMOTE_TAGS
    SEMVER``, give ``TAGS`` e.g. ``@VERSION@-candidate`` or
    ``sha-@GIT_SHA@``.

  ``DOCKERFILE``
    Default ``<CONTEXT>/Dockerfile``; with ``ARTIFACTS``,
    ``${CMAKE_CURRENT_SOURCE_DIR}/Dockerfile``.  A relative path is taken from
    ``CMAKE_CURRENT_SOURCE_DIR``.  It must exist when CMake runs.

  ``CONTEXT``
    The build context directory.  Default ``CMAKE_CURRENT_SOURCE_DIR``; with
    ``ARTIFACTS``, ``${CMAKE_CURRENT_BINARY_DIR}/<name>.context``.  It
    may lie in the build tree (it is created if missing), where ``DEPENDS``
    targets can put their output, e.g. binaries cross-compiled per platform
    under ``<CONTEXT>/linux/arm64/...`` for ``COPY ${TARGETPLATFORM}/ /``.

  ``BUILD_ARGS``
    ``KEY=VALUE`` pairs passed as ``--build-arg``.  Do not pass secrets this
    way: build arguments are recorded in the image.

  ``LABELS``
    ``KEY=VALUE`` pairs set as image labels (``--label``).  A key of the
    `release metadata`_ given here replaces its default label (not its
    annotations).

  ``ANNOTATIONS``
    OCI annotations, ``[index:|manifest:|manifest[<platform>]:]key=value``,
    passed verbatim as ``--annotation`` (no prefix: ``manifest:``, as in
    Buildx; ``<platform>`` one of ``PLATFORMS`` as normalised, e.g.
    ``manifest[linux/arm/v7]:``).  A value for the key of a default
    annotation replaces it on that level; ``manifest[<platform>]:`` wins
    over ``manifest:`` on that platform.

  ``LICENSES``
    An SPDX license expression, e.g. ``"MIT OR Apache-2.0"``: the label and
    annotations ``org.opencontainers.image.licenses``.  No default: nothing
    is guessed.

  ``METADATA``
    ``ON`` (default) sets the `release metadata`_ labels and annotations;
    ``OFF`` sets none (``LABELS`` and ``ANNOTATIONS`` still apply, and the
    build still gets ``SOURCE_DATE_EPOCH``).

  ``REPRODUCIBLE``
    ``ON`` (default; the cache variable ``MULTIARCH_REPRODUCIBLE`` sets the
    project's default): same source, same digest.  The image output gets
    ``rewrite-timestamp=true`` (file times in the layers clamped to the
    epoch) and the media types and compression pinned,
    ``oci-mediatypes=true,compression=gzip`` (BuildKit v0.32's defaults,
    stated so that a builder of another ``compatibility-version`` gives the
    same bytes; base layers are not recompressed).  The epoch is
    ``SOURCE_DATE_EPOCH``, else ``HEAD``'s commit time; outside git with no
    ``SOURCE_DATE_EPOCH`` it is the build time, with a warning that the
    digest then depends on it.  The ``ARTIFACTS`` built by the host build
    (and the project's targets they link; no other target) are compiled
    with ``-ffile-prefix-map=<source dir>=.`` and
    ``-ffile-prefix-map=<build dir>=.`` (GCC, Clang), as every target of a
    sub-build is: ``__FILE__`` and debug information name neither the
    checkout nor the build tree.  Left to you: ``rewrite-timestamp`` only
    clamps times newer than the epoch, so a context file older than the
    epoch (copied with ``cp -p``, say) keeps its own mtime; a base image
    named by a tag that moves changes the digest (name it by digest).
    ``OFF``: none of these (the epoch still gives ``created``): the layers
    hold the file times of the checkout and the build.

  ``ATTESTATIONS``
    ``provenance=off|min|max`` (default ``min``, Buildx's own) and
    ``sbom=off|<generator image>`` (default ``off``).  Provenance holds the
    build's ``invocationId`` and start and end times, which nothing
    clamps: with it, two builds of the same source give identical
    per-platform manifests but not an identical index;
    ``provenance=off`` gives an identical index.  ``sbom=<image>`` runs
    that SBOM generator (BuildKit's SBOM protocol) on the builder's own
    platform, so the image must exist for it; Buildx's default generator,
    ``docker/buildkit-syft-scanner``, needs access to Docker Hub.  After
    the push each requested attestation is checked for every platform (an
    index entry ``unknown/unknown`` whose ``vnd.docker.reference.digest``
    names the platform's manifest, with a layer of the predicate type
    ``https://slsa.dev/provenance/...`` or ``https://spdx.dev/Document``),
    and ``<name>.image.json`` records, under ``attestations``, per
    platform, the attestation manifest's digest and each attestation's.

  ``CACHE``
    The build cache, read before the build and written after it with
    every stage (``mode=max``): ``registry`` (``REF`` defaults to
    ``<REPOSITORY>:buildcache``; ``image-manifest=true``,
    ``oci-mediatypes=true``, and ``registry.insecure=true`` for a registry
    listed in ``MULTIARCH_PLAIN_HTTP_REGISTRIES``; loopback registries are
    plain HTTP for BuildKit anyway), ``local <dir>`` (relative to the build
    directory), or ``off`` (default).  For CI runners that start with an
    empty builder.  Limitation: with a builder of one node per platform,
    Buildx exports only the last platform's cache (buildx issue 1044).

  ``SECRETS``
    BuildKit secrets for ``RUN --mount=type=secret,id=<id>`` steps:
    ``id=<id>,src=<file>`` (a file outside ``CONTEXT``) or
    ``id=<id>,env=<VARIABLE>`` (read from the environment of
    ``cmake --build``).  Only the name of the file or variable is recorded;
    the secret reaches the RUN step and no layer, cache entry or log.

  Values of ``BUILD_ARGS``, ``LABELS``, ``SECRETS`` and every other keyword
  reach Buildx verbatim as single arguments (spaces, quotes, ``;``, ``$()``
  and newlines included); nothing passes through a shell.

  ``DEPENDS``
    Targets or files built before the image.  The image is rebuilt when one
    of them changes, as when a file of the context that the build sends
    (after ``.dockerignore``), the Dockerfile, or an argument of
    ``add_multiarch_image`` changes; otherwise building ``<name>`` runs no
    Docker command at all.

  ``BUILDER``
    The Buildx builder.  Default: the cache variable ``MULTIARCH_BUILDER``,
    else Buildx's current builder.  It must not use the ``docker`` driver
    (Docker's ``default`` builder): create one with ``docker buildx create
    --name <name> --driver docker-container --bootstrap`` (plus
    ``--driver-opt network=host`` for a registry on this host's loopback),
    or declare it with :command:`add_multiarch_builder`.

  ``PORTABILITY_CHECK``
    ``ERROR``, ``WARN`` or ``OFF``; default: the cache variable
    ``MULTIARCH_PORTABILITY_CHECK``, itself ``ERROR``.  With ``ERROR`` a
    definite finding of the `portability checks`_ stops the build before
    anything is pushed, or fails the platform's audit test; with ``WARN``
    every finding is reported as a warning and nothing fails; with ``OFF``
    there is no check and no audit test (``<name>-check`` only says so).

  ``PORTABILITY_ALLOW``
    Findings accepted on purpose, for both checks: ``<rule>`` accepts every
    finding of that rule, ``<rule>:<glob>`` those about a file matching
    ``<glob>`` (``*``, ``?``, ``[...]`` within a path component, ``**``
    across components), a path in the build context for the context check,
    in the image for the audit, e.g. ``foreign-elf:/usr/aarch64-linux-gnu/**``
    for a cross toolchain's libraries.  Accepted findings are still printed,
    as ``accepted:``.

  ``SIGN_KEY``
    Sign what was tested: ``<name>-promote``, after every test passed and
    before any ``PROMOTE_TAGS`` moves, signs the index digest recorded in
    ``<name>.image.json`` with ``cosign sign --key <SIGN_KEY>
    <repository>@<digest>``; if signing fails, no tag moves, and afterwards
    each ``PROMOTE_TAGS`` tag is checked to resolve to the signed digest.
    A key file (``cosign generate-key-pair``; a relative path is taken from
    ``CMAKE_CURRENT_SOURCE_DIR``, and is needed when promoting, not when
    configuring) or a KMS URI (``awskms://...``, ``gcpkms://...``,
    ``azurekms://...``, ``hashivault://...``, ``k8s://...``), never key
    text.  The key's password comes only from the environment of ``cmake
    --build``: ``COSIGN_PASSWORD`` (empty for a key without one), never
    from CMake, so it lands in no cache, build file or log.  With a key file
    and no ``COSIGN_PASSWORD``, promotion fails at once, saying so (cosign
    would otherwise ask on a terminal).  Requires ``PROMOTE_TAGS``.

    Transparency log: cosign's defaults apply, so online signing publishes
    an entry for the digest to the public Rekor log (and verification
    checks it there).  ``-DMULTIARCH_SIGN_OFFLINE=ON`` signs and verifies
    with no transparency log and no network (cosign v3: an empty signing
    configuration, ``cosign signing-config create``; v2:
    ``--tlog-upload=false``; verification ``--insecure-ignore-tlog=true``).
    Registries follow the package's plain-HTTP rules: loopback registries
    and those of ``MULTIARCH_PLAIN_HTTP_REGISTRIES`` get
    ``--allow-http-registry``, and the latter no credentials (cosign runs
    with an empty Docker configuration there).  Other registries use the
    credentials of ``docker login``.

    cosign v3 stores a Sigstore bundle (OCI 1.1 referrer, or on a registry
    without the referrers API the tag ``sha256-<hex>``); v2 stores the
    signature under the tag ``sha256-<hex>.sig``.  cosign v3 verifies both;
    v2 cannot verify v3 bundles, so consumers need cosign v3 for images
    signed with v3.

  ``VERIFY_KEY``
    The public key (file or KMS URI) that checks the signature: adds the
    CTest test ``<name>[signature]``, label ``signature`` (not
    ``multiarch``: those tests run before promotion, when nothing is signed
    yet), which runs ``cosign verify --key <VERIFY_KEY>`` against the index
    digest in ``<name>.image.json`` and fails for a digest that promotion
    did not sign (e.g. one built since) and for another key.  Promotion
    does not require it; run ``ctest -L signature`` after promoting.

  ``SIGN_RECURSIVE``
    ``ON``: ``cosign sign --recursive``, which also signs every platform's
    manifest of the index, and ``<name>[signature]`` verifies each of them
    too.  Default ``OFF``: the index alone.

  ``ARTIFACTS``
    Targets of this project (executables; with ``RUNTIME_LIBRARIES COLLECT``
    also shared or module libraries) built once for every platform of
    ``PLATFORMS`` and copied into the context as
    ``<CONTEXT>/<platform>/<DESTINATION>/<file>``, e.g.
    ``linux/arm64/usr/local/bin/hello``, so that a Dockerfile with no
    ``RUN`` step takes each platform's own files::

      FROM scratch
      ARG TARGETPLATFORM
      COPY ${TARGETPLATFORM}/ /

    Nothing runs under emulation.  With ``RUNTIME_LIBRARIES STATIC`` or
    ``NONE``, the platform this build compiles for (usually the host's)
    takes the targets of this build.  Every other platform, and with
    ``COLLECT`` every platform, has a *sub-build*: the same source tree
    configured once more in ``<build>/multiarch-subbuilds/<platform>/`` with
    that platform's toolchain file (for the host's own platform: this
    build's compilers), of which only the ``ARTIFACTS`` targets are built
    (target ``multiarch-subbuild-<os-arch[-variant]>``, one per platform for
    every image of the project; by hand
    ``cmake -DMULTIARCH_INPUT_FILE=<build>/multiarch-subbuilds/<platform>.cmake
    -P Scripts/SubBuild.cmake``).

    Every variant is built from the same configuration.  A sub-build starts
    from this build's cache (``cmake -C``) by this rule: every cache entry of
    type ``BOOL`` or ``STRING`` (``option()`` defaults included), and every
    ``-D`` value that the project never declared, except ``CMAKE_*``
    entries other than ``CMAKE_BUILD_TYPE`` (compilers and paths are the
    toolchain file's), ``MULTIARCH_*`` entries, ``*_DIR`` entries and
    entries whose name holds ``FLAGS`` (compiler and linker flags may hold
    host-only options such as ``-march=native``).  ``PATH``, ``FILEPATH``
    and ``INTERNAL`` entries are this machine's, not the project's.  So
    ``cmake -DZSTD_LEGACY_SUPPORT=OFF -DZSTD_BUILD_TESTS=OFF`` reaches every
    platform.  Then come ``MULTIARCH_SUBBUILD_CMAKE_ARGS`` (every
    sub-build) and ``MULTIARCH_SUBBUILD_CMAKE_ARGS_<os>_<arch>[_<variant>]``
    (one platform's, e.g. ``MULTIARCH_SUBBUILD_CMAKE_ARGS_linux_arm64`` or
    ``..._linux_arm_v7``), for flags, a sysroot or a library folder of one
    platform.  A change of any of them configures the sub-build again.
    ``add_multiarch_smoke_test(... EXPECT_SAME_OUTPUT)`` checks the result.  The sub-builds run in parallel where the
    generator runs targets in parallel (Ninja).  A sub-build is configured
    with ``MULTIARCH_SUBBUILD_PLATFORM`` set to its platform; there
    ``add_multiarch_image``, ``add_multiarch_builder`` and
    ``add_multiarch_smoke_test`` declare nothing, so that no sub-build starts
    another, and a project may test the variable to skip what the image does
    not need.  The targets may be declared before or after the image.

    Builds are incremental: after a change of one source file, that file is
    compiled once per platform, the programs that use it linked once per
    platform, and the image pushed again; nothing else.  The target
    ``<name>-artifacts`` does the copying alone (by hand:
    ``cmake -DMULTIARCH_INPUT_FILE=<build>/<name>.multiarch/artifacts-linux-arm64.cmake
    -DMULTIARCH_AUDIT_TOOL=<prefix>/bin/multiarch-audit -P Scripts/StageArtifacts.cmake``): it copies only files that differ, removes
    files it copied before and no longer copies, and fails, before anything
    is pushed, when a file is not an ELF binary for its platform's CPU (a
    toolchain file for another CPU; an amd64 binary in an arm64 image would
    even start on an amd64 host).

  ``INSTALL``
    Stage what the project's own ``install()`` rules install, the way
    ``cmake --install`` does, instead of (or besides) the ``ARTIFACTS``
    targets: for every platform, a sub-build (as for ``ARTIFACTS``; the
    host's platform too) configured with ``CMAKE_INSTALL_PREFIX`` set to
    ``PREFIX`` (default ``/usr/local``) builds everything, then ``cmake
    --install --component <component>`` (every component without
    ``COMPONENTS``) puts it under ``<CONTEXT>/<platform>/<PREFIX>``:
    programs, libraries with their version links, data files, in the
    project's install layout.  Targets without an ``INSTALL_RPATH`` of their
    own are installed with the RUNPATH ``$ORIGIN/../lib`` (the default of
    ``CMAKE_INSTALL_RPATH`` in the sub-builds), which finds
    ``<PREFIX>/lib`` from ``<PREFIX>/bin`` and ``<PREFIX>/lib`` alike.
    ``RUNTIME_LIBRARIES`` defaults to ``COLLECT`` here: the shared
    libraries the installed programs and libraries need, and that the
    project does not install, are collected into ``<PREFIX>/lib`` as
    described there.  Every image of the project uses the same ``PREFIX``
    for a platform.  A component that installs nothing is an error.

  ``DESTINATION``
    Where the ``ARTIFACTS`` files go inside the image.  Default
    ``usr/local/bin``.  A leading ``/`` is allowed; ``.`` and ``..`` are not.

  ``RUNTIME_LIBRARIES``
    The shared libraries the ``ARTIFACTS`` need at run time:

    ``STATIC`` (default)
      Executables are linked with ``-static`` in every build (also the
      host build), so they need no library and no loader, e.g. in a
      ``FROM scratch`` image.  A program that still names a loader is an
      error; a shared library in ``ARTIFACTS`` is an error, and so is, when
      CMake runs, a program that links a shared library (a target of the
      project: build it static, e.g. ``-DBUILD_SHARED_LIBS=OFF``; a found
      package's ``.so``: ask for its static library, e.g.
      ``-DZLIB_USE_STATIC_LIBS=ON``; or use ``COLLECT``).
    ``COLLECT``
      Linked as the project says, every platform in a sub-build, where the
      ``ARTIFACTS`` and the project's shared libraries they link get a
      RUNPATH relative to ``$ORIGIN`` in place of the build tree's folders
      (nothing of the build tree remains in a staged file).
      ``multiarch-audit resolve`` (the tool of the `portability checks`_;
      no binutils needed) finds the libraries every artifact loads in the
      sub-build and the platform's sysroot (the compiler's link folders,
      e.g. ``/usr/aarch64-linux-gnu/lib``), passing over another CPU's
      library of the same name as the loader does.  Executables go to ``DESTINATION``,
      shared libraries (the project's and the others, e.g. ``libstdc++``,
      ``libz``) to the library folder beside it: ``lib`` next to a
      ``.../bin`` (``usr/local/bin`` -> ``usr/local/lib``), else
      ``<DESTINATION>/lib``.  The programs' RUNPATH (``$ORIGIN/../lib``)
      and the libraries' (``$ORIGIN``) find them there before any library
      of the same name in the base image.  The C library (glibc's
      ``libc``, ``libm``, ... and the loader) depends on the base: on a
      final stage ``FROM scratch`` it goes to ``/usr/lib`` and the loader
      to the path the programs name (e.g. ``/lib/ld-linux-aarch64.so.1``);
      on any other base the base's own serves (the audit test checks that
      it defines every symbol version the programs need) and nothing is
      staged outside ``DESTINATION`` and the library folder, so the tree
      copies onto merged-``/usr`` bases (``/lib`` a symbolic link, Debian
      12, Ubuntu, Fedora) and others alike.  A library that cannot be
      found is an error naming it.
    ``NONE``
      Linked as the project says; no library is copied: the base image
      provides them.

    A target shipped by several images takes the same value in each.

  ``TOOLCHAINS``
    ``<platform>=<file>`` pairs: the CMake toolchain file of a platform's
    sub-build (a relative path is taken from ``CMAKE_CURRENT_SOURCE_DIR``).
    A platform named here gets a sub-build even if it is the host build's.
    Default for the others: ``${MULTIARCH_TOOLCHAIN_DIR}/<os>-<arch>[-<variant>].cmake``,
    shipped for Debian's cross compilers (``apt install g++-aarch64-linux-gnu``
    and so on).  Configuring fails, naming the platform and the fix, for a
    platform with neither, or whose shipped toolchain file names a compiler
    that is not installed.  Every image of the project builds a platform
    with the same toolchain file.

    The shipped files (one structure: the platform's compilers and
    ``CMAKE_LIBRARY_ARCHITECTURE`` triplet, then ``toolchains/debian-cross.cmake``)
    let ``find_package``, ``find_library`` and ``pkg_check_modules`` find the
    target's libraries and never the host's: Debian multiarch ``-dev``
    packages (``apt install zlib1g-dev:arm64``: ``/usr/lib/<triplet>``,
    ``/usr/include/<triplet>`` and the shared ``/usr/include``) and the
    cross C library in ``/usr/<triplet>``; the folders of other
    architectures (``/usr/lib/x86_64-linux-gnu``, ``/usr/lib``,
    ``/usr/local/lib``, ``lib64`` ...) are ignored, so a library installed
    only for the host is not found.  With ``CMAKE_SYSROOT`` (e.g.
    ``-DMULTIARCH_SUBBUILD_CMAKE_ARGS_linux_arm64=-DCMAKE_SYSROOT=/srv/arm64``,
    a Debian-layout root) they search that sysroot instead of the host's
    folders.  pkg-config reads only the target's ``.pc`` files
    (``PKG_CONFIG_LIBDIR`` = ``<sysroot>/usr/lib/<triplet>/pkgconfig:...:<sysroot>/usr/share/pkgconfig``,
    ``PKG_CONFIG_SYSROOT_DIR`` with a sysroot), through Debian's
    ``<triplet>-pkg-config`` when installed (``apt install pkgconf:arm64``).
    A program linked statically (``RUNTIME_LIBRARIES STATIC``) needs the
    static library: e.g. ``set(ZLIB_USE_STATIC_LIBS ON)`` before
    ``find_package(ZLIB)``.

  Target properties set on ``<name>``: ``MULTIARCH_REPOSITORY``,
  ``MULTIARCH_PLATFORMS`` (normalised), ``MULTIARCH_TAGS``,
  ``MULTIARCH_PROMOTE_TAGS``, ``MULTIARCH_IMAGE_JSON``.

  .. _`release metadata`:

  **Release metadata.**  Every image gets the ``org.opencontainers.image.*``
  keys that docker/metadata-action sets, as image labels (each platform's
  config) and as OCI annotations of the index and of each platform's
  manifest (``--annotation index:...`` and ``manifest:...``):

  =============== ============================================================
  key             value (a key whose value is empty is left out)
  =============== ============================================================
  ``title``       ``PROJECT_NAME`` of the directory that declares the image
  ``description`` ``PROJECT_DESCRIPTION``
  ``url``         ``PROJECT_HOMEPAGE_URL``
  ``source``      the URL of the git remote ``origin`` of the source tree,
                  else of its first remote; ``user:password@`` removed, and
                  ``[user@]host:path`` written ``https://host/path``
  ``version``     the version (``VERSION``, ``MULTIARCH_VERSION``,
                  ``PROJECT_VERSION``)
  ``revision``    the full commit of the source tree's ``HEAD``
  ``created``     the epoch below, as ``YYYY-MM-DDThh:mm:ssZ``
  ``licenses``    ``LICENSES``
  =============== ============================================================

  git is read when the image target runs (``git rev-parse``, ``git log``,
  ``git config``: three quick calls), never when CMake runs; the remote's
  credentials reach no label, file or log.  One epoch serves the build:
  ``SOURCE_DATE_EPOCH`` from the environment of ``cmake --build``, else the
  commit time of ``HEAD``, else (outside git) the time of the build.  It
  goes to BuildKit as the build argument ``SOURCE_DATE_EPOCH``, from which
  BuildKit writes the config's ``created`` and the history's times, and
  becomes the ``created`` label.  An image of one platform is pushed as an
  index as well (``BUILDKIT_MULTI_PLATFORM=1``): BuildKit refuses index
  annotations otherwise, and the read-back expects an index, also with
  ``ATTESTATIONS provenance=off``.  The attestations are named as
  ``--attest`` options (``type=provenance,mode=min`` by default,
  ``type=provenance,disabled=true`` for ``provenance=off``).

  The Bake file ``<name>.bake.json`` holds the exact build as one target
  named ``<name>`` with every character other than ``[A-Za-z0-9_-]``
  turned into ``_`` (Bake allows no other): context, Dockerfile,
  platforms, build arguments (``SOURCE_DATE_EPOCH`` included), labels,
  annotations, secrets by id and source, attestations, the output
  (push by digest, with the ``REPRODUCIBLE`` options) and the cache; no
  builder, and ``${`` and ``%{`` escaped as Bake requires.  ``docker buildx bake -f <name>.bake.json --print <target>``
  shows it; building from it needs ``--allow fs.read=<CONTEXT>``.

  docker/metadata-action's inputs and this package's keywords:

  =========================================== ==========================================
  metadata-action                             ``add_multiarch_image``
  =========================================== ==========================================
  ``tags: type=semver,pattern={{version}}``   ``@VERSION@`` (or ``SEMVER``)
  ``type=semver,pattern={{major}}.{{minor}}`` ``@MAJOR@.@MINOR@`` (in ``SEMVER``)
  ``type=semver,pattern={{major}}``           ``@MAJOR@`` (in ``SEMVER``, not for 0.y.z)
  ``flavor: latest=auto``                     ``SEMVER`` (``latest`` for a release)
  ``type=sha``                                ``sha-@GIT_SHA@``
  ``type=ref,event=branch``                   ``@GIT_BRANCH@``
  ``labels:``                                 ``LABELS``
  ``annotations:``                            ``ANNOTATIONS``
  ``images:``                                 ``REPOSITORY``
  =========================================== ==========================================

  .. _`portability checks`:

  **Portability checks.**  An amd64 program in the arm64 variant starts on
  an amd64 host, where the kernel runs it natively, so a smoke test there
  passes while the image fails on an arm64 server.  Two checks catch what
  ties a variant to the wrong CPU.  Each finding is one line,
  ``error|warning|accepted: <file>[:<line>]: <what> [<rule>]``, then a
  ``summary:`` line.

  *The context check* runs in ``<name>`` after its preconditions, before
  the build (again whenever the push runs again) and, every time, as the
  target ``<name>-check``.  It reads the
  Dockerfile and the build context, leaving out what ``.dockerignore`` (or
  ``<Dockerfile>.dockerignore``) leaves out, with the values of
  ``BUILD_ARGS`` and of ``TARGETPLATFORM``, ``TARGETARCH``, ... for each
  declared platform.  Errors:

  ``elf-for-every-platform``
    A ``COPY`` or ``ADD`` whose source does not depend on the target
    platform copies an ELF file, into every variant, that some declared
    platform cannot run.
  ``elf-wrong-platform``
    An ELF file that a source depending on the target platform puts into one
    variant (``COPY ${TARGETPLATFORM}/ /``), or that lies in a folder named
    for a declared platform (``linux/arm64/``, ``arm64/``,
    ``tool_linux_arm64/``), is built for another CPU.
  ``from-fixed-platform``
    ``FROM --platform=<constant>`` naming one platform where several are
    declared: an error for the final stage and the stages it is built on
    (their ``RUN`` and ``COPY`` steps are then checked as for every
    platform), a warning for other stages.  ``--platform=$BUILDPLATFORM``
    (a stage that builds) and ``$TARGETPLATFORM`` are fine.
  ``fixed-arch-url``
    A download URL in ``RUN`` or ``ADD`` naming one architecture (``amd64``,
    ``x86_64``, ``aarch64``, ``arm64``, ``armhf``, ...; Dockerfile variables
    expanded) in an instruction that neither uses ``TARGETARCH`` or
    ``TARGETPLATFORM`` nor chooses at run time (``uname -m``, ``dpkg
    --print-architecture``, one URL per architecture); a warning when it
    does, or in a ``--platform=$BUILDPLATFORM`` stage.
  ``fixed-arch-repository``
    A package repository line, in a ``RUN`` step or in a ``.list``,
    ``.sources`` or ``.repo`` file copied for every platform, that leaves out
    a declared platform's architecture (``deb [arch=amd64] ...``,
    ``Architectures: amd64``, ``baseurl=.../x86_64/``).
  ``buildkit-error``
    BuildKit cannot parse the Dockerfile.

  Warnings, for doubtful cases: ``dpkg-add-architecture`` (``dpkg
  --add-architecture <arch>``), ``foreign-arch-package`` (``apt-get install
  <package>:<arch>``), ``build-stage-copy`` (``COPY --from`` a stage that
  runs on the build platform and never uses ``TARGETARCH`` or
  ``TARGETPLATFORM``: the context check cannot see what it produced).
  BuildKit's own checks (``docker buildx build --call check``) come as
  warnings under their names (``FromAsCasing``, ``UndefinedVar``, ...); they
  need a running builder and are skipped, with a note, without one.

  *The audit* is one CTest test per platform, ``<name>[<platform>]audit``,
  with the labels ``multiarch``, the architecture (``amd64``, ``arm64``,
  ``armv7``, ...) and ``audit``.  It pulls the platform's own manifest by
  digest (from ``<name>.image.json``), creates a container that never starts
  and streams ``docker export`` of it through ``multiarch-audit``.  Errors:
  ``foreign-elf``, a program or library the platform cannot run (ELF class,
  byte order, machine, OS ABI, and for 32-bit ARM the float ABI:
  hard-float for ``linux/arm/v7``, soft-float for ``linux/arm/v5``; a
  warning in a ``testdata`` folder, in ``/usr/share/doc`` or in a folder
  named for the file's own CPU, e.g. ``/usr/aarch64-linux-gnu/``);
  ``missing-interpreter``, a program interpreter (``PT_INTERP``) or an
  executable script's ``#!`` interpreter missing from the variant (a warning
  under ``/usr/share/doc``).  Each program is also loaded the way the
  platform's loader (glibc's ``ld.so``, or musl's) would, inside the
  variant: ``DT_RPATH``, ``DT_RUNPATH`` (with ``$ORIGIN``),
  ``/etc/ld.so.conf`` and its includes, then the architecture's default
  folders (``/lib/<triplet>``, ``/usr/lib/<triplet>``, ``/lib64`` and
  ``/usr/lib64`` on 64-bit, ``/lib``, ``/usr/lib``), symbolic links such as
  a merged-/usr ``/lib -> usr/lib`` followed, a library of another class or
  machine skipped.  Errors: ``missing-library``, a ``DT_NEEDED`` library
  not found (for a library that no program loads, such as a plugin, its own
  libraries only); ``missing-symbol-version``, a symbol version
  (``GLIBC_2.34``, ``GLIBCXX_3.4.30``) that the library it was found in
  does not define (a weak requirement: a warning); ``undefined-symbol``, a
  symbol that no object of the program's load order defines (what ``ldd
  -r`` checks; at most three per program are shown, the last naming how
  many more); ``missing-entrypoint``, the program of the image's
  ``ENTRYPOINT`` (else ``CMD``; a word without ``/`` through the image's
  ``PATH``) missing, not an executable regular file, or an ELF file the
  platform cannot run.  These name the program (an ``--allow`` glob matches
  its path), the library, the symbol or version and the platform.
  Warnings: ``elf-compat`` (32-bit x86 in
  amd64, 32-bit ARM in arm64, an ARM float ABI not recorded),
  ``malformed-elf``, ``interpreter-not-in-path`` (``#!/usr/bin/env
  <program>`` and no folder of the image's ``PATH`` holds it).  Memory stays
  bounded whatever the size of the image: a few MiB, plus 8 bytes per
  dynamic symbol that the variant's libraries define and one dynamically
  linked file of up to 8 MiB at a time (a bigger one is read through a
  temporary file).  Promotion requires these tests like the smoke tests.

  To accept a finding on purpose, write a comment line ``# multiarch: allow
  <rule> [<rule>...]`` directly above the Dockerfile instruction (context
  check, BuildKit's checks included), or ``PORTABILITY_ALLOW
  <rule>[:<glob>]`` (both checks)::

    # multiarch: allow fixed-arch-url
    RUN curl -fsSLO https://example.com/firmware-x86_64.bin

  The tool behind both, ``multiarch-audit`` (target
  ``MultiArchImage::audit``, C++17), is installed with the package, and
  built in your build tree by ``add_subdirectory`` or ``FetchContent``, which
  then need a C++ compiler.  By hand: ``docker export <container> |
  multiarch-audit audit --platform linux/arm64 -``, or ``multiarch-audit
  context --dockerfile Dockerfile --context . --platform linux/amd64
  --platform linux/arm64``.

.. command:: add_multiarch_builder

  Declare a Buildx builder that the package creates, and keeps as declared,
  when an image needs it::

    add_multiarch_builder(<name>
      DRIVER docker-container | DRIVER remote ENDPOINT <url> | DRIVER kubernetes
      [DRIVER_OPTS <key=value>...]
      [CACERT <file>] [CERT <file>] [KEY <file>] [SERVERNAME <host>]
      [BUILDKITD_CONFIG <file>]
    )

  or, for a builder of several nodes, each building the platforms it owns::

    add_multiarch_builder(<name>
      DRIVER remote | DRIVER kubernetes
      [DRIVER_OPTS <key=value>...]
      [CACERT <file>] [CERT <file>] [KEY <file>] [SERVERNAME <host>]
      [BUILDKITD_CONFIG <file>]
      NODES
        NODE <node> [ENDPOINT <url>] PLATFORMS <platform>...
             [CACERT <file>] [CERT <file>] [KEY <file>] [SERVERNAME <host>]
             [DRIVER_OPTS <key=value>...]
        NODE <node> ...
    )

  An image names it with ``BUILDER <name>``.  Building the image (or the
  target ``multiarch-builder-<name>``, which does this step alone, also with
  ``cmake -DMULTIARCH_INPUT_FILE=<build>/multiarch-builders/<name>.cmake
  -P Scripts/EnsureBuilder.cmake``) compares what ``docker buildx inspect <name>``
  reports (when an image builds with a docker-container builder that is
  unchanged, the inspection its last build kept: see step 1 of
  :command:`add_multiarch_image`) with the declaration and does only what
  differs:

  * no such builder: ``docker buildx create --name <name> --driver <driver>
    [--node <node> --platform <platform>...] [--driver-opt <key=value>]...
    [<endpoint>]``, then ``docker buildx create --append --name <name>
    --node <node> ...`` for every further node; the last one with
    ``--bootstrap``.
  * a node that Buildx has but the declaration does not, or that differs
    from its declaration (endpoint, owned platforms, driver options): it
    leaves (``docker buildx create --leave --name <name> --node <node>``) and,
    if declared, is appended again as declared.  A node declared but missing
    is appended.  Nodes that match are left alone.
  * another driver, another ``BUILDKITD_CONFIG`` than this build tree used,
    or no node left that matches: ``docker buildx rm --force <name>``, then
    created as above (``builder <name> differs from its declaration``).
  * nothing differs: ``docker buildx inspect --bootstrap <name>``
    (``builder <name> is ready``).

  A builder that Buildx already has and that matches is reused, whoever
  created it.  A node that does not answer stops the build before anything
  is pushed, with a message naming the node and its endpoint.  With
  ``-DMULTIARCH_DRY_RUN=ON`` the script runs nothing that changes a builder:
  it prints each command it would run as ``multiarch: would run: [...]``, a
  JSON array of the arguments.  Buildx lists a running Kubernetes builder
  as its pods, not its nodes: such a builder is compared with what this
  build tree last applied (``<name>.cmake.created`` next to the
  declaration) instead.  A ``buildkitd.default.toml`` in Buildx's
  configuration folder (``~/.docker/buildx``), which Buildx would give to a
  new remote node and the remote driver refuses, is reported before anything
  is created.  See ``docs/scaling-out.md`` for worked examples.

  ``DRIVER``
    ``docker-container`` (BuildKit in a privileged container on the Docker
    host), ``remote`` (BuildKit daemons that already run, reached at their
    endpoints) or ``kubernetes`` (BuildKit deployments that Buildx creates in
    the cluster named by ``KUBECONFIG``, default ``~/.kube/config``, when the
    builder is created).

  ``ENDPOINT``
    For ``DRIVER remote`` without ``NODES``: the daemon's address,
    ``tcp://host:port``, ``unix:///run/buildkit/buildkitd.sock`` or
    ``ssh://user@host``.  With ``NODES``, each node gives its own.

  ``DRIVER_OPTS``
    Passed as ``--driver-opt``, each value whole (a value with commas, e.g.
    ``"nodeselector=kubernetes.io/arch=arm64,pool=build"``, stays one
    option).  Each key once.  Given before ``NODES``, they apply to every
    node; a node's own ``DRIVER_OPTS`` override them key by key.  Examples:
    ``image=moby/buildkit:v0.32.2`` or ``network=host`` (docker-container;
    ``network=host`` is needed when the registry of ``REPOSITORY`` or of a
    ``FROM`` image listens on the host's loopback, and the build stops
    before starting without it), ``env.<NAME>=<value>`` (docker-container:
    an environment variable of the BuildKit container), ``default-load=true`` (remote), ``namespace=buildkit``,
    ``replicas=2``, ``nodeselector=kubernetes.io/arch=arm64``,
    ``tolerations=...``, ``requests.cpu=2``, ``rootless=true``
    (kubernetes: Buildx's kubernetes driver options, passed through
    unchanged).  TLS files go through the keywords below, not
    ``cacert=``/``cert=``/``key=``.

  ``CACERT``, ``CERT``, ``KEY``, ``SERVERNAME``
    For ``DRIVER remote``: TLS to the daemon.  ``CACERT`` is the CA that
    signed the daemon's certificate (required for TLS), ``CERT`` and
    ``KEY`` the client certificate and its key (together, for a daemon
    started with ``--tlscacert``), ``SERVERNAME`` the name in the daemon's
    certificate when it is not the endpoint's host.  Files, never PEM text:
    a relative path is taken from ``CMAKE_CURRENT_SOURCE_DIR``, the file
    must exist when CMake runs, and Buildx gets its absolute path
    (``--driver-opt cacert=<file>`` and so on), so no key lands in the
    CMake cache or in generated files.  Given before ``NODES``, they apply
    to every node; a node's own override them.

  ``BUILDKITD_CONFIG``
    A ``buildkitd.toml`` passed as ``--buildkitd-config`` (docker-container
    and kubernetes).  ``DRIVER remote`` does not take one: configure the
    daemon itself.  A change of its content recreates the builder.

  ``NODES``
    Comes last.  One ``NODE`` group per BuildKit node:

    ``NODE <node>``
      The node's name in Buildx: a lowercase letter, then lowercase letters,
      digits, ``_ . -``; e.g. ``<name>-arm64``.
    ``ENDPOINT <url>``
      ``DRIVER remote``: required, the node's daemon (as above), one node
      per daemon.  ``DRIVER kubernetes`` takes none (the node is a
      deployment named ``<node>``).
    ``PLATFORMS <platform>...``
      Required: the platforms this node owns (``--platform``).  Buildx sends
      each platform of a build to the node that owns it and merges the
      results into one index, so a platform belongs to one node only.  A
      platform no node owns is built by a node that can (e.g. under QEMU).
    ``CACERT``, ``CERT``, ``KEY``, ``SERVERNAME``, ``DRIVER_OPTS``
      As above, for this node.

    Each node pushes its own platforms' layers.  Two nodes pushing one same
    layer at once can meet a registry that refuses one of the uploads
    ("provided digest did not match uploaded content", "blob unknown"): the
    image target then builds once more, from BuildKit's cache, before it
    fails.  To see that error, a builder of several nodes shows Buildx's
    progress as plain lines rather than on a terminal.

  Example, one native node per architecture with TLS::

    add_multiarch_builder(farm DRIVER remote
      CACERT /etc/buildkit/certs/ca.pem
      CERT   /etc/buildkit/certs/client.pem
      KEY    /etc/buildkit/certs/client-key.pem
      NODES
        NODE farm-amd64 ENDPOINT tcp://amd64.build.example.com:1234 PLATFORMS linux/amd64
        NODE farm-arm64 ENDPOINT tcp://arm64.build.example.com:1234 PLATFORMS linux/arm64 linux/arm/v7)

.. command:: add_multiarch_smoke_test

  Register one CTest test per platform that starts the pushed variant::

    add_multiarch_smoke_test(<image-name>
      [NAME <name>]
      [COMMAND <arg>...]
      [EXPECT_OUTPUT <regex>]
      [EXPECT_SAME_OUTPUT]
      [PLATFORMS <platform>...]
      [TIMEOUT <seconds>]
      [ENV <KEY=VALUE>...]
    )

  Each test is named ``<image-name>[<platform>]`` (the image's first smoke
  test), ``<image-name>[<platform>]:<name>`` with ``NAME``, or
  ``<image-name>[<platform>]#<n>`` for the image's n-th unnamed one, and has
  the labels ``multiarch`` and the architecture (``amd64``, ``arm64``,
  ``armv7``, ...).
  It runs the platform's own manifest by digest, read from
  ``<image-name>.image.json``, never a tag: what was pushed is what is
  tested.  It passes when the container exits 0 within ``TIMEOUT`` and its
  output (stdout and stderr) matches ``EXPECT_OUTPUT``.

  The package enables testing (``enable_testing()``, at the end of
  configuring) in the directory that declares the image's tests (smoke,
  audit and signature tests) and in every directory above it, so that
  ``ctest`` at the top of the build finds them also in a project added
  with ``add_subdirectory`` into one that never enabled testing.  Where the
  cache entry ``BUILD_TESTING`` (from ``include(CTest)``) is ``OFF``, or a
  target named ``test`` exists, it leaves testing off and warns: those
  tests are then not generated, and promotion cannot pass.

  ``COMMAND``
    Arguments given to ``docker run`` after the image, i.e. the command, or
    the arguments of the image's ``ENTRYPOINT``.  Default: none, the image's
    own ``ENTRYPOINT``/``CMD``.

  ``EXPECT_OUTPUT``
    A CMake regular expression.  ``@PLATFORM@``, ``@OS@``, ``@ARCH@``,
    ``@VARIANT@`` and ``@MACHINE@`` (the platform's ``uname -m``:
    ``x86_64``, ``aarch64``, ``armv7l``, ...) are replaced first.

  ``EXPECT_SAME_OUTPUT``
    One more test, ``<image-name>[same-output]`` (with the suffix of
    ``NAME``, as above; labels ``multiarch`` and ``same-output``), run by
    CTest after the platforms' tests (a fixture, also for ``ctest -R`` on it
    alone), compares what they printed, each platform's own words replaced
    first: the values of ``@PLATFORM@``, ``@MACHINE@``, ``@ARCH@`` and
    ``@VARIANT@``, as whole words, and ``32-bit``/``64-bit``.  It fails with
    the lines that differ, e.g. a feature that one platform's build left
    out.  Promotion requires it like the other tests of the image.

  ``NAME``
    Letters, digits and ``_ . + -``: tells the tests of one image apart.

  ``PLATFORMS``
    Default: every platform of the image.

  ``TIMEOUT``
    Seconds, default 60.  A container still running then is killed.

  ``ENV``
    ``KEY=VALUE`` pairs set in the container.

  A platform whose binaries this host cannot run (no binfmt_misc handler
  registered for it) fails with a message saying so, or is reported as
  skipped when the cache variable ``MULTIARCH_SKIP_UNRUNNABLE`` is ``ON``.

Cache variables
^^^^^^^^^^^^^^^

``MULTIARCH_BUILDER``
  Default builder of every image that names none.
``MULTIARCH_DOCKER_EXECUTABLE``
  The ``docker`` CLI.  Looked up on ``PATH``; needed at build time only.
  Buildx is run as ``docker buildx``, except where that cannot differ from
  running the CLI's own ``docker-buildx`` program alone (Buildx's
  standalone mode, one process less per call; a rebuild makes about eight):
  when this is the docker program itself (an ELF file named ``docker``, not
  a wrapper script, which then sees every call), the program is the one the
  CLI would run (``cliPluginsExtraDirs`` of ``config.json``, then
  ``$DOCKER_CONFIG`` or ``~/.docker``, then the system's
  ``cli-plugins`` folders), and no ``DOCKER_TLS``, ``DOCKER_TLS_VERIFY`` or
  ``DOCKER_CERT_PATH`` is set.  The environment variable
  ``MULTIARCH_BUILDX_THROUGH_CLI=1`` (any true value) keeps every call on
  the CLI.  Dry runs print ``docker buildx ...`` either way.
``MULTIARCH_VERSION``
  The version of every image that gives no ``VERSION``, e.g.
  ``-DMULTIARCH_VERSION=1.4.0-rc.1``; empty (default): ``PROJECT_VERSION``.
``MULTIARCH_DRY_RUN``
  ``ON``: image targets print the commands they would run and run none
  that builds, pushes or tags (see ``add_multiarch_image``).
``MULTIARCH_GIT_EXECUTABLE``
  The ``git`` of the `release metadata`_; looked up on ``PATH``.  Without
  it, images are built as outside git.
``MULTIARCH_SKIP_UNRUNNABLE``
  ``OFF`` (default): a smoke test of a platform this host cannot run fails.
  ``ON``: it is skipped.
``MULTIARCH_PORTABILITY_CHECK``
  ``ERROR`` (default), ``WARN`` or ``OFF``: the ``PORTABILITY_CHECK`` of
  every image that gives none.
``MULTIARCH_PLAIN_HTTP_REGISTRIES``
  Registries, as ``host:port``, that may be spoken to over plain HTTP.
  BuildKit already uses plain HTTP for ``localhost`` and ``127.0.0.0/8``;
  any other registry that answers plain HTTP is refused unless listed here.
  A listed registry is used without credentials (they would travel in
  clear text): the push goes with ``registry.insecure=true`` and the index
  is read and tagged through the registry's HTTP API.
``MULTIARCH_COSIGN_EXECUTABLE``
  ``cosign``, for ``SIGN_KEY`` and ``VERIFY_KEY``.  Looked up on ``PATH``;
  needed at promotion and test time only, v2 or v3 (the test setup builds
  v3.1.3).  Missing, promotion and the signature test fail naming the fix.
``MULTIARCH_SIGN_OFFLINE``
  ``OFF`` (default): cosign's defaults, which publish every signature to
  the public Rekor transparency log and verify against it.  ``ON``: sign
  and verify with no transparency log and no network (see ``SIGN_KEY``).
``MULTIARCH_TOOLCHAIN_DIR``
  Not a cache variable: the folder of the toolchain files shipped for
  Debian's cross compilers, ``linux-amd64.cmake``, ``linux-arm64.cmake``,
  ``linux-arm-v7.cmake``, ``linux-riscv64.cmake``, ``linux-ppc64le.cmake``,
  ``linux-s390x.cmake``.
``MULTIARCH_SUBBUILD_CMAKE_ARGS``
  Extra arguments for configuring every sub-build of ``ARTIFACTS``, a list
  such as ``-DWITH_TLS=ON;-DCMAKE_CXX_FLAGS=-O2``, after the options a
  sub-build takes from this build's cache (see ``ARTIFACTS``).
``MULTIARCH_SUBBUILD_CMAKE_ARGS_<os>_<arch>[_<variant>]``
  The same for one platform's sub-build, after the former, e.g.
  ``-DMULTIARCH_SUBBUILD_CMAKE_ARGS_linux_arm64=-DCMAKE_SYSROOT=/srv/sysroot-arm64``.
``MULTIARCH_SUBBUILD_PLATFORM``
  Not a cache variable of this build: set in a sub-build of ``ARTIFACTS``
  to the platform it builds (``linux/arm64``, ...).
#]=======================================================================]

include_guard(GLOBAL)

if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "MultiArchImage needs CMake 3.20 or newer; this is ${CMAKE_VERSION}.")
endif()

include("${CMAKE_CURRENT_LIST_DIR}/MultiArchImage/GeneratedFiles.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/MultiArchImage/Declare.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/MultiArchImage/Artifacts.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/MultiArchImage/Portability.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/MultiArchImage/Metadata.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/MultiArchImage/DeclareBuilder.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/MultiArchImage/DeclareImage.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/MultiArchImage/DeclareSmokeTest.cmake")

# Calls <function> with <leading> arguments, then the calling public
# function's own arguments from <first> on, each passed whole: empty values
# and values holding ";" stay as they are (the call is evaluated with every
# argument in a bracket argument).  A macro, to read the caller's ARGV<i>
# (computed names: a macro's own ${ARGC} would be its own).  It stops at
# the function's own ARGC: a caller's ARGV<i> beyond it, visible in the
# function's scope, is not an argument.
macro(_multiarch_forward function first)
  set(_multiarch_code "${function}(")
  foreach(_multiarch_value IN ITEMS ${ARGN})
    _multiarch_bracket(_multiarch_quoted "${_multiarch_value}")
    string(APPEND _multiarch_code " ${_multiarch_quoted}")
  endforeach()
  set(_multiarch_argc_name ARGC)
  set(_multiarch_i ${first})
  while(_multiarch_i LESS ${_multiarch_argc_name})
    _multiarch_bracket(_multiarch_quoted "${ARGV${_multiarch_i}}")
    string(APPEND _multiarch_code " ${_multiarch_quoted}")
    math(EXPR _multiarch_i "${_multiarch_i} + 1")
  endwhile()
  cmake_language(EVAL CODE "${_multiarch_code})")
endmacro()

find_program(MULTIARCH_DOCKER_EXECUTABLE docker
  DOC "Docker CLI used by MultiArchImage at build and test time")
find_program(MULTIARCH_GIT_EXECUTABLE git
  DOC "git, read at build time for the revision, remote, branch and commit time of images")
set(MULTIARCH_VERSION "" CACHE STRING
  "Version of images that give no VERSION (empty: PROJECT_VERSION), e.g. 1.4.0-rc.1")
set(MULTIARCH_BUILDER "" CACHE STRING
  "Buildx builder for images that name none (empty: buildx's current builder)")
set(MULTIARCH_PLAIN_HTTP_REGISTRIES "" CACHE STRING
  "Registries (host:port) other than loopback that may be used over plain HTTP, without credentials")
find_program(MULTIARCH_COSIGN_EXECUTABLE cosign
  DOC "cosign, which signs images at promotion (SIGN_KEY) and verifies them (VERIFY_KEY)")
option(MULTIARCH_SIGN_OFFLINE
  "Sign and verify with no transparency log and no network (cosign's defaults publish to the public Rekor log)" OFF)
option(MULTIARCH_REPRODUCIBLE
  "Images that give no REPRODUCIBLE: same source, same digest (rewrite-timestamp, pinned media types, mapped ARTIFACTS paths)" ON)
option(MULTIARCH_SKIP_UNRUNNABLE
  "Report smoke tests of platforms this host cannot run as skipped instead of failed" OFF)

function(add_multiarch_image name)
  if(DEFINED MULTIARCH_SUBBUILD_PLATFORM)
    return()  # a per-platform sub-build of ARTIFACTS (Artifacts.cmake) declares no image
  endif()
  _multiarch_forward(_multiarch_image_parse 1 image "${name}")
  _multiarch_image_write(image)
  _multiarch_image_declare(image)
endfunction()

function(add_multiarch_builder name)
  if(DEFINED MULTIARCH_SUBBUILD_PLATFORM)
    return()  # a per-platform sub-build of ARTIFACTS declares no builder
  endif()
  # (MultiArchImage/DeclareBuilder.cmake)
  _multiarch_forward(_multiarch_builder_parse 1 builder "${name}")
  _multiarch_docker(docker)
  _multiarch_builder_file(builder_file "${name}")
  _multiarch_builder_write(builder FILE "${builder_file}" DOCKER "${docker}")
  _multiarch_builder_declare(NAME "${name}" BUILDER_FILE "${builder_file}")
endfunction()

function(add_multiarch_smoke_test image)
  if(DEFINED MULTIARCH_SUBBUILD_PLATFORM)
    return()  # a per-platform sub-build of ARTIFACTS declares no test
  endif()
  _multiarch_forward(_multiarch_smoke_test_declare 1 "${image}")
endfunction()

# Toolchain files for Debian's cross compilers, one per platform:
# ${MULTIARCH_TOOLCHAIN_DIR}/linux-arm64.cmake and so on.
set(MULTIARCH_TOOLCHAIN_DIR "${CMAKE_CURRENT_LIST_DIR}/MultiArchImage/toolchains")
