// IEEE 802.11 reason codes (IEEE 802.11-2020 table 9-49) and status codes (table 9-50) in
// the words tcpdump 4.99.3 prints for them (print-802_11.c's reason_text and status_text,
// read off its output for every code); beyond the tables tcpdump prints "Reserved" and "n/a".
#include "print_wlan.hpp"

#include <iterator>

namespace tcplens::tcpdump {

namespace {

constexpr const char* kReasonText[] = {
    "Reserved",  // 0
    "Unspecified reason",  // 1
    "Previous authentication no longer valid",  // 2
    "Deauthenticated because sending STA is leaving (or has left) IBSS or ESS",  // 3
    "Disassociated due to inactivity",  // 4
    "Disassociated because AP is unable to handle all currently  associated STAs",  // 5
    "Class 2 frame received from nonauthenticated STA",  // 6
    "Class 3 frame received from nonassociated STA",  // 7
    "Disassociated because sending STA is leaving (or has left) BSS",  // 8
    "STA requesting (re)association is not authenticated with responding STA",  // 9
    "Disassociated because the information in the Power Capability element is unacceptable",  // 10
    "Disassociated because the information in the Supported Channels element is unacceptable",  // 11
    "Disassociated due to BSS transition management",  // 12
    "Invalid element, i.e., an element defined in this standard for which the content does not meet the specifications in Clause 9",  // 13
    "Message integrity code (MIC) failure",  // 14
    "4-Way Handshake timeout",  // 15
    "Group key handshake timeout",  // 16
    "Information element in 4-Way Handshake different from (Re)AssociationRequest/Probe Response/Beacon frame",  // 17
    "Invalid group cipher",  // 18
    "Invalid pairwise cipher",  // 19
    "Invalid AKMP",  // 20
    "Unsupported RSNE version",  // 21
    "Invalid RSNE capabilities",  // 22
    "IEEE 802.1X authentication failed",  // 23
    "Cipher suite rejected because of the security policy",  // 24
    "TDLS direct-link teardown due to TDLS peer STA unreachable via the TDLS direct link",  // 25
    "TDLS direct-link teardown for unspecified reason",  // 26
    "Disassociated because session terminated by SSP request",  // 27
    "Disassociated because of lack of SSP roaming agreement",  // 28
    "Requested service rejected because of SSP cipher suite or AKM requirement",  // 29
    "Requested service not authorized in this location",  // 30
    "TS deleted because QoS AP lacks sufficient bandwidth for this QoS STA due to a change in BSS service characteristics or operational mode (e.g. an HT BSS change from 40 MHz channel to 20 MHz channel)",  // 31
    "Disassociated for unspecified, QoS-related reason",  // 32
    "Disassociated because QoS AP lacks sufficient bandwidth for this QoS STA",  // 33
    "Disassociated because of excessive number of frames that need to be acknowledged, but are not acknowledged due to AP transmissions and/or poor channel conditions",  // 34
    "Disassociated because STA is transmitting outside the limits of its TXOPs",  // 35
    "Requested from peer STA as the STA is leaving the BSS (or resetting)",  // 36
    "Requested from peer STA as it does not want to use the mechanism",  // 37
    "Requested from peer STA as the STA received frames using the mechanism for which a set up is required",  // 38
    "Requested from peer STA due to time out",  // 39
    "Reserved",  // 40
    "Reserved",  // 41
    "Reserved",  // 42
    "Reserved",  // 43
    "Reserved",  // 44
    "Peer STA does not support the requested cipher suite",  // 45
    "In a DLS Teardown frame: The teardown was initiated by the DLS peer. In a Disassociation frame: Disassociated because authorized access limit reached",  // 46
    "In a DLS Teardown frame: The teardown was initiated by the AP. In a Disassociation frame: Disassociated due to external service requirements",  // 47
    "Invalid FT Action frame count",  // 48
    "Invalid pairwise master key identifier (PMKID)",  // 49
    "Invalid MDE",  // 50
    "Invalid FTE",  // 51
    "Mesh peering canceled for unknown reasons",  // 52
    "The mesh STA has reached the supported maximum number of peer mesh STAs",  // 53
    "The received information violates the Mesh Configuration policy configured in the mesh STA profile",  // 54
    "The mesh STA has received a Mesh Peering Close frame requesting to close the mesh peering",  // 55
    "The mesh STA has resent dot11MeshMaxRetries Mesh Peering Open frames, without receiving a Mesh Peering Confirm frame",  // 56
    "The confirmTimer for the mesh peering instance times out",  // 57
    "The mesh STA fails to unwrap the GTK or the values in the wrapped contents do not match",  // 58
    "The mesh STA receives inconsistent information about the mesh parameters between mesh peering Management frames",  // 59
    "The mesh STA fails the authenticated mesh peering exchange because due to failure in selecting either the pairwise ciphersuite or group ciphersuite",  // 60
    "The mesh STA does not have proxy information for this external destination",  // 61
    "The mesh STA does not have forwarding information for this destination",  // 62
    "The mesh STA determines that the link to the next hop of an active path in its forwarding information is no longer usable",  // 63
    "The Deauthentication frame was sent because the MAC address of the STA already exists in the mesh BSS",  // 64
    "The mesh STA performs channel switch to meet regulatory requirements",  // 65
    "The mesh STA performs channel switching with unspecified reason",  // 66
    "Reserved",  // 67
};

constexpr const char* kStatusText[] = {
    "Successful",  // 0
    "Unspecified failure",  // 1
    "TDLS wakeup schedule rejected but alternative schedule provided",  // 2
    "TDLS wakeup schedule rejected",  // 3
    "Reserved",  // 4
    "Security disabled",  // 5
    "Unacceptable lifetime",  // 6
    "Not in same BSS",  // 7
    "Reserved",  // 8
    "Reserved",  // 9
    "Cannot Support all requested capabilities in the Capability Information field",  // 10
    "Reassociation denied due to inability to confirm that association exists",  // 11
    "Association denied due to reason outside the scope of this standard",  // 12
    "Responding STA does not support the specified authentication algorithm",  // 13
    "Received an Authentication frame with authentication transaction sequence number out of expected sequence",  // 14
    "Authentication rejected because of challenge failure",  // 15
    "Authentication rejected due to timeout waiting for next frame in sequence",  // 16
    "Association denied because AP is unable to handle additional associated STAs",  // 17
    "Association denied due to requesting STA not supporting all of the data rates in the BSSBasicRateSet parameter, the Basic HT-MCS Set field of the HT Operation parameter, or the Basic VHT-MCS and NSS Set field in the VHT Operation parameter",  // 18
    "Association denied due to requesting STA not supporting the short preamble option",  // 19
    "Reserved",  // 20
    "Reserved",  // 21
    "Association request rejected because Spectrum Management capability is required",  // 22
    "Association request rejected because the information in the Power Capability element is unacceptable",  // 23
    "Association request rejected because the information in the Supported Channels element is unacceptable",  // 24
    "Association denied due to requesting STA not supporting the Short Slot Time option",  // 25
    "Reserved",  // 26
    "Association denied because the requested STA does not support HT features",  // 27
    "R0KH unreachable",  // 28
    "Association denied because the requesting STA does not support the phased coexistence operation (PCO) transition time required by the AP",  // 29
    "Association request rejected temporarily; try again later",  // 30
    "Robust management frame policy violation",  // 31
    "Unspecified, QoS-related failure",  // 32
    "Association denied because QoS AP or PCP has insufficient bandwidth to handle another QoS STA",  // 33
    "Association denied due to excessive frame loss rates and/or poor conditions on current operating channel",  // 34
    "Association (with QoS BSS) denied because the requesting STA does not support the QoS facility",  // 35
    "Reserved",  // 36
    "The request has been declined",  // 37
    "The request has not been successful as one or more parameters have invalid values",  // 38
    "The allocation or TS has not been created because the request cannot be honored; however, a suggested TSPEC/DMG TSPEC is provided so that the initiating STA can attempt to set another allocation or TS with the suggested changes to the TSPEC/DMG TSPEC",  // 39
    "Invalid element, i.e., an element defined in this standard for which the content does not meet the specifications in Clause 9",  // 40
    "Invalid group cipher",  // 41
    "Invalid pairwise cipher",  // 42
    "Invalid AKMP",  // 43
    "Unsupported RSNE version",  // 44
    "Invalid RSNE capabilities",  // 45
    "Cipher suite rejected because of security policy",  // 46
    "The TS or allocation has not been created; however, the HC or PCP might be capable of creating a TS or allocation, in response to a request, after the time indicated in the TS Delay element",  // 47
    "Direct Link is not allowed in the BSS by policy",  // 48
    "The Destination STA is not present within this BSS",  // 49
    "The Destination STA is not a QoS STA",  // 50
    "Association denied because the listen interval is too large",  // 51
    "Invalid FT Action frame count",  // 52
    "Invalid pairwise master key identifier (PMKID)",  // 53
    "Invalid MDE",  // 54
    "Invalid FTE",  // 55
    "Requested TCLAS processing is not supported by the AP or PCP",  // 56
    "The AP or PCP has insufficient TCLAS processing resources to satisfy the request",  // 57
    "The TS has not been created because the request cannot be honored; however, the HC or PCP suggests that the STA transition to a different BSS to set up the TS",  // 58
    "GAS Advertisement Protocol not supported",  // 59
    "No outstanding GAS request",  // 60
    "GAS Response not received from the Advertisement Server",  // 61
    "STA timed out waiting for GAS Query Response",  // 62
    "LARGE GAS Response is larger than query response length limit",  // 63
    "Request refused because home network does not support request",  // 64
    "Advertisement Server in the network is not currently reachable",  // 65
    "Reserved",  // 66
    "Request refused due to permissions received via SSPN interface",  // 67
    "Request refused because the AP or PCP does not support unauthenticated access",  // 68
    "Reserved",  // 69
    "Reserved",  // 70
    "Reserved",  // 71
    "Invalid contents of RSNE",  // 72
    "U-APSD coexistence is not supported",  // 73
    "Requested U-APSD coexistence mode is not supported",  // 74
    "Requested Interval/Duration value cannot be supported with U-APSD coexistence",  // 75
    "Authentication is rejected because an Anti-Clogging Token is required",  // 76
    "Authentication is rejected because the offered finite cyclic group is not supported",  // 77
    "The TBTT adjustment request has not been successful because the STA could not find an alternative TBTT",  // 78
    "Transmission failure",  // 79
    "Requested TCLAS Not Supported",  // 80
    "TCLAS Resources Exhausted",  // 81
    "Rejected with Suggested BSS transition",  // 82
    "Reject with recommended schedule",  // 83
    "Reject because no wakeup schedule specified",  // 84
    "Success, the destination STA is in power save mode",  // 85
    "FST pending, in process of admitting FST session",  // 86
    "Performing FST now",  // 87
    "FST pending, gap(s) in block ack window",  // 88
    "Reject because of U-PID setting",  // 89
    "Reserved",  // 90
    "Reserved",  // 91
    "(Re)Association refused for some external reason",  // 92
    "(Re)Association refused because of memory limits at the AP",  // 93
    "(Re)Association refused because emergency services are not supported at the AP",  // 94
    "GAS query response not yet received",  // 95
    "Reject since the request is for transition to a frequency band subject to DSE procedures and FST Initiator is a dependent STA",  // 96
    "Requested TCLAS processing has been terminated by the AP",  // 97
    "The TS schedule conflicts with an existing schedule; an alternative schedule is provided",  // 98
    "The association has been denied; however, one or more Multi-band elements are included that can be used by the receiving STA to join the BSS",  // 99
    "The request failed due to a reservation conflict",  // 100
    "The request failed due to exceeded MAF limit",  // 101
    "The request failed due to exceeded MCCA track limit",  // 102
    "Association denied because the information in theSpectrum Management field is unacceptable",  // 103
    "Association denied because the requesting STA does not support VHT features",  // 104
    "Enablement denied",  // 105
    "Enablement denied due to restriction from an authorized GDB",  // 106
    "Authorization deenabled",  // 107
};

}  // namespace

const char* wlan_reason_text(unsigned code) {
  return code < std::size(kReasonText) ? kReasonText[code] : "Reserved";
}

const char* wlan_status_text(unsigned code) {
  return code < std::size(kStatusText) ? kStatusText[code] : "n/a";
}

}  // namespace tcplens::tcpdump
