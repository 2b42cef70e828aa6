using System.Management.Automation;

namespace SshKeepAlive
{
    /// <summary>
    /// -SendEnv (names or patterns of local variables, no '=') and -SetEnv (NAME=VALUE), refused as ssh -o refuses them,
    /// in words that say what to give instead: ValidatePattern's own message only shows its regular expression.
    /// </summary>
    internal sealed class ValidateEnvironmentArgumentAttribute : ValidateEnumeratedArgumentsAttribute
    {
        /// <param name="assignment">True for -SetEnv (each argument NAME=VALUE), false for -SendEnv (each a name or pattern).</param>
        public ValidateEnvironmentArgumentAttribute(bool assignment) => Assignment = assignment;

        public bool Assignment { get; }

        protected override void ValidateElement(object element)
        {
            string text = element as string ?? string.Empty;
            bool hasValue = text.IndexOf('=') >= 0;
            if (Assignment && !hasValue)
            {
                throw new ValidationMetadataException($"'{text}' is not NAME=VALUE: -SetEnv takes variables as ssh -o SetEnv does, such as LANG=C.UTF-8.");
            }

            if (!Assignment && hasValue)
            {
                throw new ValidationMetadataException($"'{text}' has an '=': -SendEnv takes names or patterns of local variables, as ssh -o SendEnv does, such as LC_*; give a value with -SetEnv.");
            }
        }
    }
}
