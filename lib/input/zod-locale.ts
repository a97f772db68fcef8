// zod/mini carries no error messages of its own (its issues say "Invalid input"); the English locale
// gives the same messages the full `zod` build prints, at a fraction of its loading cost (issue #16).

import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
