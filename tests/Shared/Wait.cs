using System;
using System.Diagnostics;
using System.Threading;

namespace SshKeepAlive.Testing
{
    public static class Wait
    {
        /// <summary>
        /// How long a test waits for what should happen within a second or two (a reconnect, a prompt, a command on
        /// the testbed), so a slow machine passes and a hang still ends the test.
        /// </summary>
        public static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

        /// <summary>Polls <paramref name="condition"/> until it holds (true) or <paramref name="limit"/> has passed (false).</summary>
        public static bool Until(Func<bool> condition, TimeSpan limit)
        {
            var waited = Stopwatch.StartNew();
            while (!condition())
            {
                if (waited.Elapsed > limit)
                {
                    return false;
                }

                Thread.Sleep(50);
            }

            return true;
        }
    }
}
