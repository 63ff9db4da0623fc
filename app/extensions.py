"""Flask extensions, created unbound and attached to an app in create_app."""
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
compress = Compress()
# Counters in memory (one process), or on Redis shared by every process: see Settings.ratelimit_storage.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
