using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KubeDns.Records;

/// <summary>The one way every KubeDns.Records <c>Add…</c> method registers its options (docs/public-api.md, "Registration").</summary>
public static class KubeDnsRecordsBuilderOptionsExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/> with Microsoft.Extensions.Options: <paramref name="configure"/> is
    /// added after the configure delegates of earlier calls (so each applies, in call order, to the instance the
    /// container creates, and the caller's objects are never the container's), and <paramref name="validate"/> is
    /// registered once, run when the options are first read and when a generic host starts. An exception
    /// <paramref name="validate"/> throws (<see cref="ArgumentException"/> or <see cref="ClusterValidationException"/>)
    /// becomes an <see cref="OptionsValidationException"/> with the same message.
    /// </summary>
    /// <typeparam name="TOptions">The options type; the container creates it with its parameterless constructor.</typeparam>
    /// <param name="builder">The builder from <c>AddKubeDnsRecords</c>.</param>
    /// <param name="configure">Changes the container's options; null adds nothing.</param>
    /// <param name="validate">Throws, naming the option and its value, when the options are invalid (the options' own <c>Validate()</c>).</param>
    /// <returns>The options builder, for further Microsoft.Extensions.Options calls.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="validate"/> is null.</exception>
    public static OptionsBuilder<TOptions> AddKubeDnsOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        this IKubeDnsRecordsBuilder builder, Action<TOptions>? configure, Action<TOptions> validate)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(validate);
        var options = builder.Services.AddOptions<TOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // Keyed by the validator's type, so a second call adds no second validator.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new ThrowingValidator<TOptions>(validate)));
        return options.ValidateOnStart();
    }

    private sealed class ThrowingValidator<TOptions>(Action<TOptions> validate) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            try
            {
                validate(options);
                return ValidateOptionsResult.Success;
            }
            catch (Exception error) when (error is ArgumentException or ClusterValidationException)
            {
                return ValidateOptionsResult.Fail(error.Message);
            }
        }
    }
}
