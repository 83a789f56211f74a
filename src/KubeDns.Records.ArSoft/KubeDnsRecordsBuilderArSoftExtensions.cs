using KubeDns.Records.ArSoft;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KubeDns.Records;

/// <summary>Registers the ARSoft.Tools.Net query handler with a KubeDns.Records registration.</summary>
public static class KubeDnsRecordsBuilderArSoftExtensions
{
    /// <summary>
    /// Registers one <see cref="KubeDnsQueryHandler"/> singleton over the registered <see cref="ClusterState"/>, for a
    /// <c>DnsServer</c> of your own: <c>server.QueryReceived += provider.GetRequiredService&lt;KubeDnsQueryHandler&gt;().OnQueryReceivedAsync;</c>.
    /// A second call registers nothing new; each call's <paramref name="configure"/> applies, in call order, to the
    /// container's <see cref="KubeDnsQueryHandlerOptions"/>. The options are validated when the handler is created and
    /// when a host starts.
    /// </summary>
    /// <param name="builder">The builder from <c>AddKubeDnsRecords</c>.</param>
    /// <param name="configure">Changes the handler's options (payload size, RA, fall-through).</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IKubeDnsRecordsBuilder AddArSoftQueryHandler(this IKubeDnsRecordsBuilder builder, Action<KubeDnsQueryHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<KubeDnsQueryHandlerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KubeDnsQueryHandlerOptions>, OptionsValidator>());
        builder.Services.TryAddSingleton(static provider => new KubeDnsQueryHandler(
            provider.GetRequiredService<ClusterState>(),
            provider.GetRequiredService<IOptions<KubeDnsQueryHandlerOptions>>().Value));
        return builder;
    }

    /// <summary>Validates through <see cref="KubeDnsQueryHandlerOptions.Validate"/>, so the container reports its message.</summary>
    private sealed class OptionsValidator : IValidateOptions<KubeDnsQueryHandlerOptions>
    {
        public ValidateOptionsResult Validate(string? name, KubeDnsQueryHandlerOptions options)
        {
            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException error)
            {
                return ValidateOptionsResult.Fail(error.Message);
            }
        }
    }
}
