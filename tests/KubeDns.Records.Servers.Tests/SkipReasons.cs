namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// Why a test is skipped on one engine only. The shared test classes declare such a test as a helper method; the
/// engine classes put the [Fact]/[Theory] on it, with a Skip for the engine that cannot pass it.
/// </summary>
internal static class SkipReasons
{
    private const string ArSoftLimitation = "ARSoft limitation (its encoder compresses names case-insensitively and its parser turns non-ASCII bytes into ?; the native engine passes this): ";

    public const string ArSoftSrvGlueOwnerCase = ArSoftLimitation + "§6.4/§14.2 #42 — the SRV glue owner kiada.kiada.svc.Cluster.Local. is sent as Kiada.Kiada.svc.Cluster.Local.: ARSoft's encoder compresses names case-insensitively, so the glue owner becomes a pointer into the question name _HTTP._TCP.Kiada.Kiada.svc.Cluster.Local and takes its spelling";

    public const string ArSoftCnameDataCase = ArSoftLimitation + "§11/§6.4 — for QUOTE-ALIAS.KIADA.SVC.CLUSTER.LOCAL A the CNAME RDATA (lower-cased externalName quote.kiada.svc.cluster.local.) and the chased A owner are both sent as quote.KIADA.SVC.CLUSTER.LOCAL.: ARSoft's case-insensitive name compression points them into the question name";

    public const string ArSoftNonAsciiEcho = ArSoftLimitation + "§15 'question echoed byte for byte' — a QNAME label with a non-ASCII byte (caf\\xE9.kiada.svc.cluster.local) is echoed with '?' (0x3F) in place of 0xE9, because ARSoft decodes labels as ASCII and re-encodes the question; resolvers that match the echoed question drop the reply";

    public const string NativeNoUpstreamAfterCname = "not implemented in the native engine: appending an upstream answer after an out-of-zone CNAME (issue #9 note)";

    public const string NativeUdpRemoteEndPointNull = "bug: the native engine's QueryAnswered event has RemoteEndPoint = null for every UDP query (NativeDnsServer's UDP loop passes null to Raise although it holds the client's address); expected the client's endpoint (127.0.0.1:<client port>), as the native engine reports for TCP and the ARSoft adapter for both transports";

    public const string NativeRelayedUdpAnswerNotLimited = "bug: the native engine relays an upstream's UDP answer byte for byte, without applying our UDP limit (behaviour.md §15): for many.example.com A, whose upstream answer is 100 A records (1,645 bytes), dig +bufsize=1232 gets TC with a partial RRset of 74 records (1,229 bytes) and +noedns gets TC with 29 records (498 bytes), where only whole RRsets (so an empty answer with TC) are expected; dig +bufsize=4096 gets all 100 records in a 1,645-byte datagram without TC and with the upstream's OPT (udp: 4096), where min(4096, MaxUdpPayloadSize 1232) is the limit and our OPT (udp: 1232) is expected; the ARSoft adapter answers TC with an empty answer in all three cases";

    public const string NativeRestartMovesPort = "bug: a NativeDnsServer configured with port 0 binds a new ephemeral port on every StartAsync: after StopAsync, StartAsync on the same instance serves on another port (e.g. 127.0.0.1:51971, then 127.0.0.1:44201); expected the port chosen by the first start to be kept, as the ARSoft adapter does (docs/server.md: 'a stopped server starts again, on the same port'), so clients configured with the reported port keep working across a restart";

    public const string NativeRestartMovesPortWhenTaken = "bug: a NativeDnsServer configured with port 0, stopped, whose port is then taken by another UDP socket, starts again without error on a new port; expected SocketException (AddressAlreadyInUse) because the port chosen by the first start is kept for restarts, as the ARSoft adapter does";

    public const string NativeSynchronousDispose = "bug: a ServiceProvider with AddKubeDnsServer, after resolving IHostedService, cannot be disposed synchronously: provider.Dispose() throws InvalidOperationException \"'KubeDns.Records.Server.NativeDnsServer' type only implements IAsyncDisposable. Use DisposeAsync to dispose the container.\" (the generic Host disposes asynchronously and is not affected); the ARSoft adapter's hosted service implements IDisposable for this (commit 0245b35)";
}
