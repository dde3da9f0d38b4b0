//! `scripts/package-deb` on the debug binary: the package installs the server, its unit and its
//! settings, creates its user, and the unit passes `systemd-analyze verify` where systemd is.

use std::path::Path;
use std::process::Command;

use orderbell_tests::binary;

#[test]
fn the_debian_package_holds_the_server_its_unit_and_its_user() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace");
    let out = tempfile::tempdir().expect("dir");
    let made = Command::new(workspace.join("scripts/package-deb"))
        .arg("--binary")
        .arg(binary())
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("scripts/package-deb runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let deb = String::from_utf8(made.stdout).expect("UTF-8");
    let deb = Path::new(deb.trim());
    assert!(deb.starts_with(out.path()), "written where asked: {}", deb.display());

    let contents = dpkg_deb(&["-c"], deb);
    for path in [
        "./usr/bin/orderbell",
        "./lib/systemd/system/orderbell.service",
        "./etc/default/orderbell",
        "./usr/share/doc/orderbell/DEPLOY.md",
    ] {
        let line = contents
            .lines()
            .find(|line| line.ends_with(path))
            .unwrap_or_else(|| panic!("{path} is in the package:\n{contents}"));
        assert!(line.contains("root/root"), "owned by root: {line}");
    }
    let binary_line = contents
        .lines()
        .find(|l| l.ends_with("./usr/bin/orderbell"))
        .expect("binary");
    assert!(binary_line.starts_with("-rwxr-xr-x"), "executable: {binary_line}");

    let info = dpkg_deb(&["-I"], deb);
    assert!(info.contains("Package: orderbell"), "{info}");
    assert!(info.contains("Depends: libc6, adduser"), "{info}");
    assert!(info.contains("postinst"), "{info}");
    let version = dpkg_deb(&["-f"], deb);
    assert!(
        version.contains(&format!("Version: {}", env!("CARGO_PKG_VERSION"))),
        "the workspace's version: {version}"
    );

    // What the package installs: the settings kept on upgrade, the user made on install.
    let control = tempfile::tempdir().expect("dir");
    let unpacked = Command::new("dpkg-deb")
        .arg("-R")
        .arg(deb)
        .arg(control.path())
        .status()
        .expect("dpkg-deb -R");
    assert!(unpacked.success());
    let read = |path: &str| std::fs::read_to_string(control.path().join(path)).expect(path);
    assert_eq!(read("DEBIAN/conffiles").trim(), "/etc/default/orderbell");
    let postinst = read("DEBIAN/postinst");
    assert!(postinst.contains("adduser --system"), "postinst creates the user");
    let unit = read("lib/systemd/system/orderbell.service");
    for setting in [
        "User=orderbell",
        "StateDirectory=orderbell",
        "Environment=ORDERBELL_DATA_DIR=/var/lib/orderbell",
        "EnvironmentFile=-/etc/default/orderbell",
        "Restart=on-failure",
        "ExecStart=/usr/bin/orderbell serve",
    ] {
        assert!(unit.lines().any(|l| l == setting), "the unit has {setting}");
    }
    let packaged = control.path().join("usr/bin/orderbell");
    let runs = Command::new(&packaged)
        .arg("--version")
        .output()
        .expect("the packaged binary runs");
    assert!(runs.status.success());

    // The unit as systemd reads it, its binary the packaged one (not installed at /usr/bin here).
    if Command::new("systemd-analyze").arg("--version").output().is_ok() {
        let checked = control.path().join("orderbell.service");
        let packaged = packaged.to_str().expect("UTF-8 path");
        std::fs::write(&checked, unit.replace("/usr/bin/orderbell", packaged)).expect("unit copy");
        let verify = Command::new("systemd-analyze")
            .arg("verify")
            .arg(&checked)
            .output()
            .expect("systemd-analyze verify");
        assert!(
            verify.status.success() && verify.stderr.is_empty(),
            "systemd-analyze verify: {}",
            String::from_utf8_lossy(&verify.stderr)
        );
    }
}

fn dpkg_deb(args: &[&str], deb: &Path) -> String {
    let output = Command::new("dpkg-deb").args(args).arg(deb).output().expect("dpkg-deb");
    assert!(
        output.status.success(),
        "dpkg-deb {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}
