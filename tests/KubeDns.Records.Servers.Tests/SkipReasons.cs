namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// Why a test is skipped on one engine only. The shared test classes declare such a test as a helper method; the
/// engine classes put the [Fact]/[Theory] on it, with a Skip for the engine that cannot pass it.
/// </summary>
internal static class SkipReasons
{
    private const string ArSoftLimitation = "ARSoft limitation (its encoder compresses names case-insensitively; the native engine passes this): ";

    public const string ArSoftSrvGlueOwnerCase = ArSoftLimitation + "§6.4/§14.2 #42 — the SRV glue owner kiada.kiada.svc.Cluster.Local. is sent as Kiada.Kiada.svc.Cluster.Local.: ARSoft's encoder compresses names case-insensitively, so the glue owner becomes a pointer into the question name _HTTP._TCP.Kiada.Kiada.svc.Cluster.Local and takes its spelling";

    public const string ArSoftCnameDataCase = ArSoftLimitation + "§11/§6.4 — for QUOTE-ALIAS.KIADA.SVC.CLUSTER.LOCAL A the CNAME RDATA (lower-cased externalName quote.kiada.svc.cluster.local.) and the chased A owner are both sent as quote.KIADA.SVC.CLUSTER.LOCAL.: ARSoft's case-insensitive name compression points them into the question name";
}
