"""msgcheck's version: its own module, so that any module can name it without importing the
package's public API (which imports the pipeline)."""

__version__ = "0.1.0"
