set -e
A=encapA$$; B=encapB$$
ip netns add $A; ip netns add $B
trap 'ip netns del $A; ip netns del $B' EXIT
ip link add vea netns $A type veth peer name veb netns $B
ip -n $A link set vea address 02:00:00:00:00:0a
ip -n $B link set veb address 02:00:00:00:00:0b
for ns in $A $B; do ip -n $ns link set lo up; done
ip -n $A addr add 10.77.0.1/24 dev vea; ip -n $B addr add 10.77.0.2/24 dev veb
ip -n $A addr add fd00:77::1/64 dev vea nodad; ip -n $B addr add fd00:77::2/64 dev veb nodad
ip -n $A link set vea up; ip -n $B link set veb up
ip netns exec $A ethtool -K vea tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
ip netns exec $B ethtool -K veb tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
mkdir -p /tmp/encap_www; echo 'hello from tcplens encap test' > /tmp/encap_www/index.html
ip netns exec $B /usr/bin/python3 -m http.server 8080 --bind :: -d /tmp/encap_www >/dev/null 2>&1 &
SRV=$!
sleep 1.5
ip netns exec $A tcpdump -i vea -w /tmp/real-tcp.pcap -U 'tcp port 8080' 2>/dev/null &
TD=$!
sleep 1
ip netns exec $A curl -s -o /dev/null http://10.77.0.2:8080/index.html
ip netns exec $A curl -s -o /dev/null 'http://[fd00:77::2]:8080/index.html'
sleep 1
kill $TD; wait $TD || true
kill $SRV; wait $SRV 2>/dev/null || true
