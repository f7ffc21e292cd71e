//! The client address a request is charged to, with `X-Forwarded-For` believed only when it
//! comes from a configured proxy.

use std::net::{IpAddr, Ipv6Addr};

use actix_web::HttpRequest;
use actix_web::http::header::HeaderName;
use ipnet::IpNet;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The proxies whose `X-Forwarded-For` we believe; empty means none.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        TrustedProxies(networks)
    }

    /// Parses a comma-separated list of addresses and CIDR networks; empty trusts none.
    ///
    /// # Errors
    /// Names the first entry that is neither an address nor a network.
    pub fn parse(text: &str) -> Result<Self, String> {
        let entries = text
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty());
        let networks = entries
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{entry:?} is not an IP address or CIDR network"))
            })
            .collect::<Result<_, _>>()?;
        Ok(TrustedProxies(networks))
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&address))
    }

    /// The address to charge for `request`, reduced to its rate-limit key.
    pub fn client_of(&self, request: &HttpRequest) -> IpAddr {
        let peer = request
            .peer_addr()
            .map_or(IpAddr::from([0, 0, 0, 0]), |peer| peer.ip());
        let forwarded = request
            .headers()
            .get_all(X_FORWARDED_FOR)
            .filter_map(|value| value.to_str().ok());
        limit_key(self.client_address(peer, forwarded))
    }

    /// Walks the forwarding chain from the nearest hop outwards while each hop is a trusted
    /// proxy; the first untrusted hop is the client. An unreadable entry ends the walk at the
    /// last trusted hop, so a client cannot pick its own key with garbage.
    fn client_address<'a>(
        &self,
        peer: IpAddr,
        forwarded: impl DoubleEndedIterator<Item = &'a str>,
    ) -> IpAddr {
        let mut client = peer;
        if self.0.is_empty() {
            return client;
        }
        let hops: Vec<&str> = forwarded.flat_map(|value| value.split(',')).collect();
        for hop in hops.iter().rev() {
            if !self.trusts(client) {
                break;
            }
            match hop.trim().parse::<IpAddr>() {
                Ok(address) => client = address,
                Err(_) => break,
            }
        }
        client
    }
}

/// One IPv6 host usually holds a whole /64, so it is limited as one; IPv4-mapped addresses
/// count as the IPv4 address they carry.
fn limit_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !(u128::from(u64::MAX));
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&list.join(",")).unwrap_or_default()
    }

    #[test]
    fn parses_addresses_and_networks() -> TestResult {
        assert!(TrustedProxies::parse("")?.0.is_empty());
        let parsed = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8,::1")?;
        assert_eq!(parsed.0.len(), 3);
        assert!(parsed.trusts("10.9.8.7".parse()?));
        assert!(!parsed.trusts("127.0.0.2".parse()?));
        assert!(TrustedProxies::parse("10.0.0.0/8,proxy.local").is_err());
        Ok(())
    }

    fn client(proxies: &TrustedProxies, peer: &str, forwarded: Option<&str>) -> String {
        let peer = format!("{peer}:4000")
            .parse()
            .unwrap_or_else(|_| panic!("bad {peer}"));
        let mut request = TestRequest::default().peer_addr(peer);
        if let Some(forwarded) = forwarded {
            request = request.insert_header((X_FORWARDED_FOR, forwarded));
        }
        proxies.client_of(&request.to_http_request()).to_string()
    }

    #[test]
    fn forwarded_for_is_ignored_without_trusted_proxies() {
        let none = TrustedProxies::default();
        assert_eq!(client(&none, "127.0.0.1", Some("203.0.113.9")), "127.0.0.1");
    }

    #[test]
    fn forwarded_for_is_ignored_from_an_untrusted_peer() {
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            client(&trusted, "192.0.2.1", Some("203.0.113.9")),
            "192.0.2.1"
        );
    }

    #[test]
    fn trusted_chain_yields_the_first_untrusted_hop() {
        let trusted = proxies(&["10.0.0.0/8", "127.0.0.1/32"]);
        let chain = Some("198.51.100.7, 203.0.113.9, 10.1.2.3");
        assert_eq!(client(&trusted, "127.0.0.1", chain), "203.0.113.9");
        assert_eq!(client(&trusted, "127.0.0.1", None), "127.0.0.1");
    }

    #[test]
    fn garbage_in_the_chain_stops_at_the_last_trusted_hop() {
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            client(&trusted, "10.0.0.1", Some("1.2.3.4, nonsense")),
            "10.0.0.1"
        );
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_bit_prefix() {
        let none = TrustedProxies::default();
        assert_eq!(
            client(&none, "[2001:db8:1:2:aaaa::1]", None),
            "2001:db8:1:2::"
        );
        assert_eq!(client(&none, "[::ffff:192.0.2.5]", None), "192.0.2.5");
    }
}
