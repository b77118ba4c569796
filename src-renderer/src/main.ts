// Renderer entry: Vue app with Pinia; the stores reach main through the typed API only.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import './styles/app.css';

createApp(App).use(createPinia()).mount('#app');
