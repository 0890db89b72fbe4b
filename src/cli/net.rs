//! `--timeout`, `--allow-host` and the other fetching flags, as the
//! library's remote options.

use super::args::NetArgs;

impl NetArgs {
    pub(super) fn options(
        &self,
    ) -> Result<seedance_preflight::source::http::RemoteOptions, String> {
        let secs = |v: f64, name: &str| {
            std::time::Duration::try_from_secs_f64(v)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or(format!(
                    "--{name} must be a positive number of seconds, not {v}"
                ))
        };
        let allow = seedance_preflight::source::AllowList {
            loopback: false,
            hosts: self
                .allow_host
                .iter()
                .map(|h| seedance_preflight::source::parse_host(h))
                .collect::<Result<_, _>>()?,
            cidrs: self
                .allow_cidr
                .iter()
                .map(|c| seedance_preflight::source::parse_cidr(c))
                .collect::<Result<_, _>>()?,
        };
        Ok(seedance_preflight::source::http::RemoteOptions {
            allow_private: self.allow_loopback || self.allow_private_addresses,
            allow,
            timeout: secs(self.timeout, "timeout")?,
            connect_timeout: secs(self.connect_timeout, "connect-timeout")?,
            max_redirects: self.max_redirects,
            proxy: self.proxy.clone(),
            run_deadline: None,
        })
    }
}
